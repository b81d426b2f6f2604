import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataError } from '../errors';
import { CIFAR_TEST_FILES, CIFAR_TRAIN_FILES, isCifarBinaryDir } from './cifarBinary';
import { extractArchive } from './tarSource';

/** Where and what to download; injectable so tests can serve a fake archive from 127.0.0.1. */
export interface DownloadSource {
  url: string;
  /** Expected MD5 of the archive, lowercase hex. */
  md5: string;
}

/** The official CIFAR-10 binary release and its published MD5. */
export const CIFAR10_BINARY_SOURCE: DownloadSource = {
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
};
export const CIFAR_ARCHIVE_NAME = 'cifar-10-binary.tar.gz';
export const CIFAR_BIN_DIR = 'cifar-10-batches-bin';

/** What to do offline: the exact places the files can be put. */
export function whereToPutCifar(dataDir: string, src: DownloadSource): string {
  return (
    `put the official files in ${path.join(dataDir, CIFAR_BIN_DIR)}/ (${[...CIFAR_TRAIN_FILES, ...CIFAR_TEST_FILES, 'batches.meta.txt'].join(', ')}), ` +
    `or the archive ${src.url} (MD5 ${src.md5}) at ${path.join(dataDir, CIFAR_ARCHIVE_NAME)}, ` +
    `or pass --data (or EECAL_DATA) pointing at a CIFAR-10 image folder or archive such as cifar10-jpeg.tar.gz`
  );
}

/**
 * Make `<dataDir>/cifar-10-batches-bin/` exist: reuse it if complete; else use (or download)
 * `<dataDir>/cifar-10-binary.tar.gz`, check its MD5 and extract it. Every step is atomic (temp
 * file/folder + rename), so an interrupted run never leaves a half-written archive or folder.
 * @returns the binary folder.
 */
export async function ensureCifarBinary(dataDir: string, src: DownloadSource = CIFAR10_BINARY_SOURCE): Promise<string> {
  const binDir = path.join(dataDir, CIFAR_BIN_DIR);
  if (isCifarBinaryDir(binDir)) return binDir;
  const archive = path.join(dataDir, CIFAR_ARCHIVE_NAME);
  if (fs.existsSync(archive)) {
    const md5 = await md5File(archive);
    if (md5 !== src.md5)
      throw new DataError(
        `${archive}: MD5 ${md5}; expected ${src.md5} (corrupt or a different file: delete it and run again, or ${whereToPutCifar(dataDir, src)})`,
      );
  } else {
    await downloadVerified(src, archive, dataDir);
  }
  await extractCifarArchive(archive, binDir);
  return binDir;
}

/**
 * GET `url` with node's http/https client, following up to 5 redirects. Not `fetch`: its HTTP
 * parser is WebAssembly, whose memory cannot be reserved under an address-space limit
 * (`ulimit -v`), and that failure surfaced as an uncaught RangeError after the command had
 * already reported its error.
 */
function httpGet(url: string, redirects = 5): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch (err) {
      reject(err);
      return;
    }
    const client = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null;
    if (!client) {
      reject(new DataError(`unsupported protocol ${u.protocol} (expected http: or https:)`));
      return;
    }
    const req = client.get(u, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        httpGet(new URL(res.headers.location, u).toString(), redirects - 1).then(resolve, reject);
        return;
      }
      resolve(res);
    });
    req.on('error', reject);
  });
}

/** Stream `src.url` to a temp file beside `target`, hashing on the way; rename only if the MD5 matches. */
export async function downloadVerified(src: DownloadSource, target: string, dataDir: string): Promise<void> {
  const tmp = path.join(path.dirname(target), `.eecal-tmp-${process.pid}-${Date.now()}-${path.basename(target)}`);
  const hash = crypto.createHash('md5');
  try {
    let res: http.IncomingMessage;
    try {
      res = await httpGet(src.url);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new DataError(
        `CIFAR-10 binary files not found in ${dataDir} and downloading ${src.url} failed (${e.code ?? e.message}); ${whereToPutCifar(dataDir, src)}`,
        { cause: err },
      );
    }
    if (res.statusCode !== 200) {
      res.resume();
      throw new DataError(
        `downloading ${src.url}: HTTP ${res.statusCode}; expected 200. Offline: ${whereToPutCifar(dataDir, src)}`,
      );
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    await pipeline(res, tap, fs.createWriteStream(tmp));
    const md5 = hash.digest('hex');
    if (md5 !== src.md5)
      throw new DataError(
        `downloaded ${src.url}: MD5 ${md5}; expected ${src.md5} (checksum mismatch: the download is corrupt or not the CIFAR-10 binary archive; nothing was kept)`,
      );
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    if (err instanceof DataError) throw err;
    throw new DataError(`downloading ${src.url} failed (${(err as Error).message}); ${whereToPutCifar(dataDir, src)}`, {
      cause: err,
    });
  }
}

/** Extract the archive into a temp folder, find the batch files, move that folder to `binDir`. */
export async function extractCifarArchive(archive: string, binDir: string): Promise<void> {
  const parent = path.dirname(binDir);
  const tmp = path.join(parent, `.eecal-tmp-${process.pid}-${Date.now()}-extract`);
  try {
    await extractArchive(archive, tmp);
    const found = [tmp, path.join(tmp, CIFAR_BIN_DIR)].find(isCifarBinaryDir);
    if (!found)
      throw new DataError(
        `${archive}: does not contain ${CIFAR_BIN_DIR}/ with ${[...CIFAR_TRAIN_FILES, ...CIFAR_TEST_FILES].join(', ')}`,
      );
    fs.renameSync(found, binDir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** MD5 of a file, lowercase hex, streamed. */
export async function md5File(file: string): Promise<string> {
  const hash = crypto.createHash('md5');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
