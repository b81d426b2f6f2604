import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { PNG } from 'pngjs';
import { HEADERS } from '../../src/serve/splitWire';
import { classify, MODEL_DIR, pixelsOf, spawnServe, startPair } from './servePair';

/** One raw POST; returns the status and body text (never throws on 4xx). */
async function post(
  url: string,
  body: Uint8Array | string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text() };
}

function assertOneLineError(r: { status: number; text: string }, status: number, pattern: RegExp, what: string): void {
  assert.equal(r.status, status, `${what}: status (${r.text})`);
  assert.ok(!r.text.includes('\n'), `${what}: one line`);
  const body = JSON.parse(r.text) as { error: string };
  assert.match(body.error, pattern, what);
}

test('malformed requests get a 4xx one-line JSON error and both servers keep serving', async () => {
  const pair = await startPair({ maxBodyBytes: 4096 });
  try {
    const edge = `${pair.edge.url}/classify`;
    const cloud = `${pair.cloud.url}/infer`;
    const good = {
      'content-type': 'application/octet-stream',
      [HEADERS.shape]: '1,14,14,5',
      [HEADERS.dtype]: 'float32',
      [HEADERS.edgeExits]: '1',
      [HEADERS.model]: pair.model.digest,
    };
    const tensor = new Uint8Array(14 * 14 * 5 * 4);
    // Cloud.
    assert.equal((await post(cloud, tensor, good)).status, 200);
    assertOneLineError(
      await post(cloud, tensor, { ...good, [HEADERS.shape]: '1,16,16,5' }),
      400,
      /expected \[n,14,14,5\]/,
      'wrong shape',
    );
    assertOneLineError(
      await post(cloud, tensor, { ...good, [HEADERS.model]: '0123456789abcdef' }),
      409,
      /this cloud serves model/,
      'wrong model digest',
    );
    assertOneLineError(
      await post(cloud, tensor.subarray(0, 1000), good),
      400,
      /body has 1000 bytes; expected 3920/,
      'truncated body',
    );
    assertOneLineError(await post(cloud, new Uint8Array(2 << 20), good), 413, /over the limit/, 'body over the limit');
    assertOneLineError(
      await post(cloud, tensor, { ...good, 'content-type': 'text/plain' }),
      415,
      /expected application\/octet-stream/,
      'wrong content type',
    );
    assertOneLineError(
      await post(cloud, tensor, { ...good, [HEADERS.edgeExits]: '5' }),
      400,
      /expected an integer in 1 … 1/,
      'wrong k',
    );
    // Edge.
    const png = PNG.sync.write(
      Object.assign(new PNG({ width: 28, height: 28 }), { data: Buffer.alloc(28 * 28 * 4, 255) }),
    );
    assert.equal((await post(edge, png, { 'content-type': 'image/png' })).status, 200);
    assertOneLineError(
      await post(edge, new Uint8Array(500), { 'content-type': 'image/png' }),
      400,
      /unreadable image/,
      'not an image',
    );
    assertOneLineError(
      await post(edge, pixelsOf(0).subarray(0, 700), { 'content-type': 'application/octet-stream' }),
      400,
      /raw image has 700 bytes; expected 784/,
      'truncated raw image',
    );
    assertOneLineError(
      await post(edge, new Uint8Array(5000), { 'content-type': 'application/octet-stream' }),
      413,
      /over the limit of 4096 bytes/,
      'body over the limit',
    );
    assertOneLineError(
      await post(edge, 'hello', { 'content-type': 'text/plain' }),
      415,
      /expected image\/png, image\/jpeg or application\/octet-stream/,
      'wrong content type',
    );
    const big = PNG.sync.write(
      Object.assign(new PNG({ width: 32, height: 32 }), { data: Buffer.alloc(32 * 32 * 4, 0) }),
    );
    assertOneLineError(
      await post(edge, big, { 'content-type': 'image/png' }),
      400,
      /image is 32×32; expected 28×28/,
      'wrong image shape',
    );
    assertOneLineError(
      await post(`${edge}?p_tar=2`, pixelsOf(0), { 'content-type': 'application/octet-stream' }),
      400,
      /p_tar "2"/,
      'bad p_tar',
    );
    assertOneLineError(
      await post(`${edge}?method=isotonic`, pixelsOf(0), { 'content-type': 'application/octet-stream' }),
      400,
      /this edge serves none, temperature/,
      'unknown method',
    );
    const get = await fetch(edge);
    assert.equal(get.status, 405);
    // Still serving, with the right answer.
    const a = await classify(pair.edge.url, 3, 0.999, 'none');
    assert.equal(a.sample, 3);
    assert.equal(a.fallback, false);
    assert.equal((await fetch(`${pair.cloud.url}/health`)).status, 200);
  } finally {
    await pair.close();
  }
});

test('cloud killed mid-run: the edge answers with flagged fallbacks; cloud back: offloading resumes', async () => {
  let cloud = await spawnServe(['cloud', '--model', MODEL_DIR, '--port', '0']);
  const port = new URL(cloud.url).port;
  const pair = await startPair({ cloudUrl: cloud.url, cloudTimeoutMs: 2000 });
  try {
    // p_tar 1: nothing is confident enough on the device, so every request is offloaded.
    const before = await classify(pair.edge.url, 0, 1, 'none');
    assert.equal(before.offloaded, true);
    assert.equal(before.fallback, false);
    assert.equal(before.exit, 2);
    cloud.child.kill('SIGKILL');
    await cloud.exited;
    const during = await Promise.all([1, 2, 3, 4].map((i) => classify(pair.edge.url, i, 1, 'none')));
    for (const a of during) {
      assert.equal(a.fallback, true);
      assert.equal(a.exit, 1, 'the only device exit answers');
      assert.match(a.cloudError ?? '', /ECONNREFUSED|fetch failed/);
    }
    const health = (await (await fetch(`${pair.edge.url}/health`)).json()) as { fallbacks: number };
    assert.equal(health.fallbacks, 4);
    cloud = await spawnServe(['cloud', '--model', MODEL_DIR, '--port', port]);
    const after = await classify(pair.edge.url, 5, 1, 'none');
    assert.equal(after.fallback, false);
    assert.equal(after.exit, 2);
    assert.ok(after.timings.cloud_ms > 0);
  } finally {
    await pair.close();
    cloud.child.kill('SIGKILL');
  }
});

test('SIGTERM drains: the request in flight completes, new connections are refused, exit 0', async () => {
  const cloud = await spawnServe(['cloud', '--model', MODEL_DIR, '--port', '0']);
  const digest = ((await (await fetch(`${cloud.url}/health`)).json()) as { model: string }).model;
  const body = Buffer.alloc(14 * 14 * 5 * 4);
  const u = new URL(cloud.url);
  // A request whose body is only half sent when the signal arrives.
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: '/infer',
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': body.length,
          [HEADERS.shape]: '1,14,14,5',
          [HEADERS.edgeExits]: '1',
          [HEADERS.model]: digest,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.write(body.subarray(0, 1000));
    setTimeout(() => {
      cloud.child.kill('SIGTERM');
      setTimeout(async () => {
        // The listener is closed: a new connection is refused while the old request is still open.
        await assert.rejects(
          fetch(`${cloud.url}/health`),
          (e: { cause?: { code?: string } }) => e.cause?.code === 'ECONNREFUSED',
        );
        req.end(body.subarray(1000));
      }, 500);
    }, 300);
  });
  const r = await answer;
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((JSON.parse(r.text) as { exits: number[] }).exits, [2]);
  assert.equal(await cloud.exited, 0);
  assert.match(cloud.stderr(), /SIGTERM: draining 1 request/);
});

test('a cloud that accepts but never answers: the edge gives up after --cloud-timeout-ms and falls back', async () => {
  // A stand-in cloud that reads requests and never answers them.
  const held: http.ServerResponse[] = [];
  const silent = http.createServer((req, res) => {
    req.resume();
    held.push(res);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const pair = await startPair({
    cloudUrl: `http://127.0.0.1:${(silent.address() as { port: number }).port}`,
    cloudTimeoutMs: 300,
  });
  try {
    const t0 = performance.now();
    const a = await classify(pair.edge.url, 7, 1, 'none');
    const waited = performance.now() - t0;
    assert.equal(a.fallback, true);
    assert.equal(a.exit, 1);
    assert.match(a.cloudError ?? '', /cloud timed out after 300 ms/);
    assert.ok(waited >= 290 && waited < 5000, `answered after ${waited} ms`);
  } finally {
    await pair.close();
    held.forEach((r) => r.destroy());
    silent.closeAllConnections();
    silent.close();
  }
});

test('limits: a body that stops arriving gets 408, requests over the concurrency limit get 503, and the edge keeps serving', async () => {
  const pair = await startPair({ requestTimeoutMs: 400, maxConcurrent: 1 });
  try {
    const u = new URL(pair.edge.url);
    // Half a raw image, then silence: the edge answers 408 when its request timeout passes.
    const slow = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: '/classify',
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream', 'content-length': 784 },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(pixelsOf(0).subarray(0, 300));
    });
    // While that request holds the only slot, another one is refused with 503.
    await new Promise((r) => setTimeout(r, 100));
    const busy = await post(`${pair.edge.url}/classify`, pixelsOf(1), { 'content-type': 'application/octet-stream' });
    assertOneLineError(busy, 503, /busy: 1 requests in flight \(limit 1\)/, 'over the concurrency limit');
    const r = await slow;
    assertOneLineError(r, 408, /request took over 400 ms \(body too slow\)/, 'stalled body');
    const a = await classify(pair.edge.url, 2, 0.9, 'none');
    assert.equal(a.sample, 2);
  } finally {
    await pair.close();
  }
});
