import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from '../main';
import { countOption, gridOption, numberOption, parseCommandArgs, requiredOption } from '../args';
import { ConfigError, EecalError } from '../../errors';
import { loadDataset } from '../../data/loadDataset';
import { imageBytes, type SplitName } from '../../data/types';
import {
  measuredSidecarPath,
  readMeasuredRecords,
  timingColumns,
  writeMeasuredRecords,
  type MeasuredRow,
  type MeasuredSidecar,
} from '../../records/measuredRecords';
import { prepareOutputFile } from '../../util/atomicWrite';
import { packageVersion } from '../../version';
import { runTestbed, type TestbedRequest } from '../../serve/testbedClient';
import { readRiskDecision } from '../riskDecision';

const HELP = `usage: eecal testbed --edge URL --data DIR|ARCHIVE --split test|val [--limit N] --out DIR
                     [--methods none,temperature] [--p-tar 0.8,0.9] [--concurrency 1 | --rate R]
                     [--timeout-ms 60000] [--uplink-mbps M] [--configured-delay-ms D] [--link-note TEXT]

The end node of the testbed: sends the split's images (raw bytes, batch 1) to an eecal serve edge,
for every calibration method × p_tar of the grid, and writes DIR/measured.csv (+ measured.json):
one row per answer with columns sample,label,exit,prediction,confidence,fallback,offloaded,method,
p_tar and the timings decode_ms,exit1_ms…exitk_ms,device_ms,serialize_ms,upload_ms,cloud_ms,edge_ms,
total_ms (total = what the end node waited). "sample" is the row of that split's exit records
(eecal infer --split order). The dataset, split seed and model come from the edge's /health.
  --methods LIST        calibration methods the edge serves (default: the edge's default)
  --p-tar GRID          p_tar values (default: the edge's --p-tar)
  --decision FILE       instead of --p-tar: the threshold certified in a decision file of eecal threshold
                        --out (its k must be the edge's)
  --concurrency N       requests in flight at once (default 1: one at a time, as the journal testbed)
  --rate R              open-loop arrivals per second instead (still at most --concurrency in flight, default 64 then)
  --uplink-mbps, --configured-delay-ms, --link-note   how the link was configured (written to the
                        sidecar; a configured delay is a setting, never mixed into the measured times)
SIGINT/SIGTERM: stop sending, keep the answers so far, and write them. A checkpoint is written every
30 s; --resume keeps the answers already in DIR/measured.csv (same model weights) and measures the rest.

eecal testbed compare …: measured against modelled latency and missed deadline (see eecal testbed compare --help).`;

interface EdgeHealth {
  status: string;
  model: string;
  architecture: string;
  dataset?: string;
  splitSeed?: number;
  exits: number;
  edgeExits: number;
  pTar: number;
  methods: string[];
  defaultMethod: string;
  offloadAnswer: string;
  cloud: string;
  wire: string;
}

export const testbedCommand: Command = {
  summary: "end node: send a split's images to an edge, write measured records",
  async run(argv) {
    if (argv[0] === 'compare') return (await import('./testbedCompare')).testbedCompare(argv.slice(1));
    const { values: v } = parseCommandArgs('testbed', argv, {
      edge: { type: 'string' },
      data: { type: 'string' },
      split: { type: 'string' },
      limit: { type: 'string' },
      out: { type: 'string' },
      methods: { type: 'string' },
      'p-tar': { type: 'string' },
      decision: { type: 'string' },
      concurrency: { type: 'string' },
      rate: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'uplink-mbps': { type: 'string' },
      'configured-delay-ms': { type: 'string' },
      'link-note': { type: 'string' },
      resume: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const edge = requiredOption('edge', v.edge).replace(/\/$/, '');
    const split = requiredOption('split', v.split);
    if (split !== 'test' && split !== 'val') throw new ConfigError(`--split "${split}": expected test or val`);
    const outDir = requiredOption('out', v.out);
    const csv = path.join(outDir, 'measured.csv');
    prepareOutputFile(csv);
    prepareOutputFile(measuredSidecarPath(csv));
    const rate = v.rate === undefined ? null : numberOption('rate', v.rate, undefined, { min: 1e-6, max: 1e6 });
    const concurrency = countOption('concurrency', v.concurrency, rate === null ? 1 : 64, 1, 10_000);
    const timeoutMs = countOption('timeout-ms', v['timeout-ms'], 60_000, 1, 3_600_000);
    const uplinkMbps =
      v['uplink-mbps'] === undefined ? null : numberOption('uplink-mbps', v['uplink-mbps'], undefined, { min: 1e-9 });
    const delayMs =
      v['configured-delay-ms'] === undefined
        ? null
        : numberOption('configured-delay-ms', v['configured-delay-ms'], undefined, { min: 0 });

    let health: EdgeHealth;
    try {
      const res = await fetch(`${edge}/health`, { signal: AbortSignal.timeout(10_000) });
      health = (await res.json()) as EdgeHealth;
      if (!res.ok || health.status !== 'ok') throw new EecalError(`/health answered ${res.status} ${health.status}`);
    } catch (err) {
      throw new EecalError(
        `--edge ${edge}: no ready eecal serve edge there (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message})`,
      );
    }
    if (!health.dataset)
      throw new EecalError(`--edge ${edge}: its /health does not name the dataset (an older eecal serve edge?)`);
    const methods = (v.methods ?? health.defaultMethod).split(',').map((m) => m.trim());
    for (const m of methods)
      if (!health.methods.includes(m))
        throw new ConfigError(`--methods: "${m}" is not served by the edge (it serves ${health.methods.join(', ')})`);
    // A decision file (eecal threshold --out) stands for its one certified threshold, for the k it was certified for.
    const decision = v.decision === undefined ? null : readRiskDecision(v.decision);
    if (decision && v['p-tar'] !== undefined)
      throw new ConfigError(
        `--decision ${v.decision} and --p-tar are exclusive (the decision file holds the threshold)`,
      );
    if (decision && decision.threshold === null)
      throw new ConfigError(
        `--decision ${v.decision}: no threshold could be certified (threshold: null); nothing to measure`,
      );
    if (decision && decision.k !== health.edgeExits)
      throw new ConfigError(
        `--decision ${v.decision} was certified for k = ${decision.k}; the edge runs k = ${health.edgeExits} (eecal serve edge --edge-exits)`,
      );
    const grid = decision
      ? [decision.threshold as number]
      : v['p-tar'] === undefined
        ? [health.pTar]
        : gridOption('p-tar', v['p-tar']);
    for (const p of grid) if (!(p >= 0 && p <= 1)) throw new ConfigError(`--p-tar: ${p} is not in [0, 1]`);

    const ds = await loadDataset({ name: health.dataset as 'cifar10' | 'mnist', data: v.data, seed: health.splitSeed });
    const { set, indices } = ds.splits[split as SplitName];
    const limit = countOption('limit', v.limit, indices.length, 1, indices.length);
    const per = imageBytes(ds.shape);
    const pixels = (sample: number) => set.pixels.subarray(indices[sample] * per, (indices[sample] + 1) * per);
    const all: TestbedRequest[] = [];
    for (const method of methods)
      for (const pTar of grid)
        for (let i = 0; i < limit; i++) all.push({ sample: i, label: set.labels[indices[i]], method, pTar });
    const key = (r: { method: string; pTar: number; sample: number }) => `${r.method}@${r.pTar}#${r.sample}`;
    // --resume: keep the answers of an earlier (stopped) run against the same weights, measure the rest.
    let previous: MeasuredRow[] = [];
    if (v.resume && fs.existsSync(csv)) {
      const prev = readMeasuredRecords(csv);
      if (prev.meta && prev.meta.model.digest !== health.model)
        throw new ConfigError(
          `--resume: ${csv} was measured with model ${prev.meta.model.digest}, the edge serves ${health.model}; use another --out`,
        );
      const wanted = new Set(all.map(key));
      previous = prev.rows.filter((r) => wanted.has(key(r)));
      console.error(`testbed: resuming: ${previous.length} answers kept from ${csv}`);
    }
    const have = new Set(previous.map(key));
    const requests = all.filter((r) => !have.has(key(r)));
    const order = new Map(all.map((r, i) => [key(r), i]));

    console.error(
      `testbed: ${requests.length} requests (${limit} ${split} images × ${methods.length} method(s) × ${grid.length} p_tar) to ${edge} (${health.architecture}, k = ${health.edgeExits}), ${rate === null ? `concurrency ${concurrency}` : `${rate}/s`}`,
    );
    const stop = { requested: false };
    const onSignal = (sig: string) => {
      if (stop.requested) process.exit(130);
      stop.requested = true;
      console.error(`\n${sig}: stopping; writing the answers received so far`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const t0 = performance.now();
    let lastPrint = 0;
    let lastCheckpoint = performance.now();
    const fresh: MeasuredRow[] = [];
    const cpus = os.cpus();
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(edge).hostname);
    const metaOf = (rows: MeasuredRow[], complete: boolean): MeasuredSidecar => ({
      format: 'eecal-measured-records',
      version: 1,
      eecalVersion: packageVersion(),
      createdAt: new Date().toISOString(),
      model: {
        architecture: health.architecture,
        digest: health.model,
        exits: health.exits,
        edgeExits: health.edgeExits,
      },
      dataset: health.dataset!,
      split,
      edge,
      cloud: health.cloud,
      wire: health.wire,
      offloadAnswer: health.offloadAnswer,
      load: { concurrency, ratePerSecond: rate },
      link: { uplinkMbps, configuredDelayMs: delayMs, note: v['link-note'] ?? null },
      machine: {
        endNode: {
          cpu: cpus[0]?.model ?? 'unknown',
          cores: cpus.length,
          memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
          platform: `${os.platform()} ${os.release()} ${os.arch()}`,
          node: process.version,
        },
        edgeOnSameMachine: loopback,
      },
      timingColumns: timingColumns(health.edgeExits),
      numRows: rows.length,
      complete,
    });
    // Rows in plan order (method, p_tar, sample) whatever the completion order, so reruns compare line by line.
    const save = (complete: boolean) => {
      const rows = [...previous, ...fresh].sort((a, b) => (order.get(key(a)) ?? 0) - (order.get(key(b)) ?? 0));
      writeMeasuredRecords(csv, rows, metaOf(rows, complete));
      return rows;
    };
    await runTestbed({
      edge,
      requests,
      pixels,
      concurrency,
      ratePerSecond: rate,
      timeoutMs,
      stop,
      onAnswer: (done, total, row) => {
        fresh.push(row);
        const now = performance.now();
        // A checkpoint every 30 s: a crash or a kill loses at most that much (--resume goes on from it).
        if (now - lastCheckpoint > 30_000) {
          lastCheckpoint = now;
          save(false);
        }
        if (now - lastPrint < 1000 && done < total) return;
        lastPrint = now;
        const s = (now - t0) / 1000;
        const eta = ((total - done) * s) / done;
        process.stderr.write(
          `\rtestbed: ${done}/${total} (${((100 * done) / total).toFixed(0)} %), ${(done / s).toFixed(1)} req/s, ETA ${eta.toFixed(0)} s   `,
        );
      },
    })
      .catch((err: unknown) => {
        // Keep what was measured before the failure (an edge gone, a refused request): --resume goes on.
        if (fresh.length > 0) save(false);
        throw new EecalError(
          `${(err as Error).message}${fresh.length > 0 ? ` (the ${previous.length + fresh.length} answers so far are in ${csv}; rerun with --resume)` : ''}`,
          { cause: err },
        );
      })
      .finally(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
    process.stderr.write('\n');
    const complete = !stop.requested && previous.length + fresh.length === all.length;
    const rows = save(complete);
    const fallbacks = rows.filter((r) => r.fallback).length;
    console.error(
      `wrote ${csv} (${rows.length} of ${all.length} rows${fallbacks ? `, ${fallbacks} fallbacks` : ''}${complete ? '' : '; incomplete: rerun with --resume'}) and its sidecar`,
    );
    return stop.requested ? 130 : 0;
  },
};
