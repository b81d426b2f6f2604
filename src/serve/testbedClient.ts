import { ServiceError } from '../errors';
import type { MeasuredRow } from '../records/measuredRecords';
import type { EdgeAnswer } from './edgeServer';

/**
 * The end node: sends images to the edge and records every answer with its timings. Batch 1, one
 * request at a time (the journal testbed's protocol) unless a concurrency or an arrival rate is
 * given. A 503 (edge busy) is retried after a pause; any other failure stops the run with the
 * edge's one-line error.
 */

/** One request of the plan: an image, under one calibration method and p_tar. */
export interface TestbedRequest {
  sample: number;
  label: number;
  method: string;
  pTar: number;
}

export interface TestbedPlan {
  /** Base URL of the edge. */
  edge: string;
  requests: TestbedRequest[];
  /** Raw H×W×C uint8 pixels of a sample. */
  pixels(sample: number): Uint8Array;
  /** Requests in flight at once (1 = one at a time). */
  concurrency: number;
  /** Open-loop arrivals per second (each request starts at i/rate s, capped by `concurrency`); null = closed loop. */
  ratePerSecond: number | null;
  /** Give up on one request after this long, ms. */
  timeoutMs: number;
  /** Called after each answer. */
  onAnswer?: (done: number, total: number, row: MeasuredRow) => void;
  /** Set to stop sending new requests (answers in flight are still collected). */
  stop?: { requested: boolean };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POST one image to the edge and turn the answer into a measured row. */
export async function classifyOnce(
  edge: string,
  req: TestbedRequest,
  pixels: Uint8Array,
  timeoutMs: number,
): Promise<MeasuredRow> {
  const url = `${edge.replace(/\/$/, '')}/classify?sample=${req.sample}&p_tar=${req.pTar}&method=${encodeURIComponent(req.method)}`;
  for (let attempt = 0; ; attempt++) {
    const t0 = performance.now();
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        body: pixels,
        headers: { 'content-type': 'application/octet-stream' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new ServiceError(
        `edge ${edge}: sample ${req.sample}: ${(err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? (err as Error).message)}`,
        { cause: err },
      );
    }
    const text = await res.text();
    const totalMs = performance.now() - t0;
    if (res.status === 503 && attempt < 50) {
      await sleep(20 * (attempt + 1));
      continue;
    }
    if (!res.ok)
      throw new ServiceError(`edge ${edge}: sample ${req.sample}: ${res.status} ${text.trim().slice(0, 300)}`);
    const a = JSON.parse(text) as EdgeAnswer;
    if (a.sample !== req.sample)
      throw new ServiceError(`edge ${edge}: asked for sample ${req.sample}, the answer is for ${a.sample}`);
    const t = a.timings;
    const ms: Record<string, number> = {
      decode_ms: t.decode_ms,
      device_ms: t.device_ms,
      serialize_ms: t.serialize_ms,
      upload_ms: t.upload_ms,
      cloud_ms: t.cloud_ms,
      edge_ms: t.edge_ms,
      total_ms: totalMs,
    };
    t.exitMs.forEach((v, j) => (ms[`exit${j + 1}_ms`] = v));
    return {
      sample: req.sample,
      label: req.label,
      exit: a.exit,
      prediction: a.prediction,
      confidence: a.confidence,
      fallback: a.fallback,
      offloaded: a.offloaded,
      method: a.method,
      pTar: a.pTar,
      ms,
    };
  }
}

/** Run the plan; rows come back in plan order whatever the completion order. */
export async function runTestbed(plan: TestbedPlan): Promise<MeasuredRow[]> {
  const n = plan.requests.length;
  const rows: Array<MeasuredRow | undefined> = new Array(n);
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < n && !plan.stop?.requested) {
      const i = next++;
      if (plan.ratePerSecond !== null) {
        const due = t0 + (i * 1000) / plan.ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const r = plan.requests[i];
      const row = await classifyOnce(plan.edge, r, plan.pixels(r.sample), plan.timeoutMs);
      rows[i] = row;
      done++;
      plan.onAnswer?.(done, n, row);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(plan.concurrency, n)) }, worker));
  return rows.filter((r): r is MeasuredRow => r !== undefined);
}
