// Child process of download.test.ts: downloads from a local server that answers 404, and prints
// the error it got. Run with --jitless (no WebAssembly), as under an address-space limit.
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ensureCifarBinary } from '../../src/data/cifarDownload';

const server = http.createServer((_req, res) => {
  res.writeHead(404);
  res.end('not found');
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-dl-child-'));
  ensureCifarBinary(dir, { url: `http://127.0.0.1:${port}/cifar.tar.gz`, md5: 'x' })
    .then(
      () => console.log('no error'),
      (err: Error) => console.log(`${err.name}: ${err.message.split(';')[0]}`),
    )
    .finally(() => {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
});
