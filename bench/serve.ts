/**
 * `npm run bench:serve` — throughput and latency percentiles of the testbed servers on loopback,
 * per role: the cloud alone (split tensors posted straight to /infer), the edge answering on the
 * device (p_tar 0: exit 1 always answers) and the edge offloading every image (p_tar 1, the cloud
 * behind it). All three in this process on 127.0.0.1 (no shaping: see scripts/testbed-net.sh).
 *
 *   tsx bench/serve.ts [--model models/b-alexnet-cifar10-branchynet] [--edge-exits 1]
 *                      [--requests 200] [--concurrency 1,8]
 *
 * Prints requests/s, p50 and p99 (ms, as the client saw them) per role and concurrency, and the
 * load average before and after: the machine may be shared, so compare runs made together.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { selectBackend, backendLabel } from '../src/backend/selectBackend';
import { quantileSorted } from '../src/metrics/bootstrap';
import { startCloudServer } from '../src/serve/cloudServer';
import { startEdgeServer } from '../src/serve/edgeServer';
import { uncalibratedScoring } from '../src/serve/exitScoring';
import { HEADERS } from '../src/serve/splitWire';
import { openModelFolder } from '../src/serve/splitModelFolder';
import { splitNetwork } from '../src/models/splitModel';
import { repoRoot } from '../src/util/repoRoot';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const modelDir = path.resolve(repoRoot(__dirname), arg('--model', 'models/b-alexnet-cifar10-branchynet'));
const k = Number(arg('--edge-exits', '1'));
const requests = Number(arg('--requests', '200'));
const concurrencies = arg('--concurrency', '1,8').split(',').map(Number);

async function load(label: string, concurrency: number, send: (i: number) => Promise<void>): Promise<void> {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const s = performance.now();
        await send(i);
        times.push(performance.now() - s);
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const sorted = Float64Array.from(times).sort();
  console.log(
    `${label.padEnd(22)} c=${String(concurrency).padStart(2)}  ${(requests / wall).toFixed(1).padStart(7)} req/s  p50 ${quantileSorted(sorted, 0.5).toFixed(2).padStart(7)} ms  p99 ${quantileSorted(sorted, 0.99).toFixed(2).padStart(7)} ms`,
  );
}

async function main(): Promise<void> {
  const choice = await selectBackend({ training: false });
  const model = openModelFolder(modelDir);
  const quiet = () => {};
  const limits = { maxBodyBytes: 16 << 20, requestTimeoutMs: 60_000, maxConcurrent: 1024, log: quiet };
  const cloud = await startCloudServer(model, { port: 0, ...limits });
  const edge = await startEdgeServer(model, {
    port: 0,
    ...limits,
    cloud: cloud.url,
    edgeExits: k,
    pTar: 0.5,
    scorings: new Map([['none', uncalibratedScoring(model.manifest.numClasses)]]),
    defaultMethod: 'none',
    offloadAnswer: 'final',
    cloudTimeoutMs: 60_000,
    wire: 'float32',
  });
  const [H, W, C] = model.manifest.inputShape;
  const split = splitNetwork(model.net, k);
  const tensor = new Uint8Array(split.splitShape.reduce((a, b) => a * b, 4));
  const image = (i: number) => Uint8Array.from({ length: H * W * C }, (_, j) => (i * 31 + j * 7) % 256);
  const ok = async (res: Response) => {
    const text = await res.text();
    if (!res.ok) throw new Error(`${res.status} ${text}`);
  };
  console.log(
    `${model.manifest.architecture}, k = ${k}, split tensor ${tensor.length} bytes, backend ${backendLabel(choice)}, ${requests} requests per row, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  for (const c of concurrencies) {
    await load('cloud /infer', c, async () =>
      ok(
        await fetch(`${cloud.url}/infer`, {
          method: 'POST',
          body: tensor,
          headers: {
            'content-type': 'application/octet-stream',
            [HEADERS.shape]: [1, ...split.splitShape].join(','),
            [HEADERS.edgeExits]: String(k),
            [HEADERS.model]: model.digest,
          },
        }),
      ),
    );
    await load('edge, device answers', c, async (i) =>
      ok(
        await fetch(`${edge.url}/classify?p_tar=0`, {
          method: 'POST',
          body: image(i),
          headers: { 'content-type': 'application/octet-stream' },
        }),
      ),
    );
    await load('edge, all offloaded', c, async (i) =>
      ok(
        await fetch(`${edge.url}/classify?p_tar=1`, {
          method: 'POST',
          body: image(i),
          headers: { 'content-type': 'application/octet-stream' },
        }),
      ),
    );
  }
  console.log(
    `load average after: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  await edge.drain();
  await cloud.drain();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
