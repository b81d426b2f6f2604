import type { CalibrationFile } from '../calibration/calibrationFile';
import { recordsSubset, type MeasuredRun } from '../records/measuredRecords';
import type { ExitRecords } from '../records/types';
import { measuredSampleTimes } from '../offloading/measuredTimes';
import { constantSampleTimes } from '../offloading/sampleTimes';
import { missedDeadlineProbability, type DeadlineRow } from '../offloading/missedDeadline';
import {
  cascadeLatency,
  stageTimesFromSidecar,
  type CascadeLatency,
  type NetworkConfig,
} from '../offloading/latencyModel';
import { latencyComparison, type LatencyComparisonRow } from '../offloading/measuredVsModelled';
import { recordsKeys } from './offloadingInputs';
import {
  DEFAULT_TESTBED_DEADLINE_CLAIM,
  testbedDeadlineClaims,
  type TestbedDeadlineClaim,
  type TestbedDeadlineClaimSettings,
} from './testbedDeadlineClaim';

/**
 * Testbed runs against the latency model, as data: per uplink rate, the latency comparison and
 * P[missed deadline] of the measured samples with measured and with modelled times, uncalibrated
 * (the run's method "none") and with the calibration's method. Reading and writing are the
 * callers' (CLI, notebook); sentences are the report's.
 */
export interface TestbedComparisonSettings {
  /** Cloud side of the model: speed-up over the device, or measured ms. */
  cloud: NetworkConfig['cloud'];
  /** RTT of the model, ms; null = each run's configured delay (0 when none was configured). */
  rttMs: number | null;
  /** p_tar values; null = every p_tar the run measured. */
  pTars: number[] | null;
  /** Deadlines in ms; null = 41 points from 0 to 1.1 × the slowest time (measured or modelled) of the run. */
  deadlinesMs: number[] | null;
  batchSize: number;
  rounds: number;
  seed: number;
  /** How the missed-deadline claim is judged (default: DEFAULT_TESTBED_DEADLINE_CLAIM with this batch size and rounds). */
  claim?: TestbedDeadlineClaimSettings;
}

export const DEFAULT_TESTBED_COMPARISON: TestbedComparisonSettings = {
  cloud: { speedup: 10 },
  rttMs: null,
  pTars: null,
  deadlinesMs: null,
  batchSize: 16,
  rounds: 100,
  seed: 0,
};

export interface TestbedDeadlineSeries {
  uplink: string;
  uplinkMbps: number;
  method: string;
  pTar: number;
  samples: number;
  measured: DeadlineRow[];
  modelled: DeadlineRow[];
  /** Per deadline: whether the two 95 % intervals overlap (null when one has none). */
  overlap: Array<boolean | null>;
}

export interface TestbedComparison {
  latency: Array<LatencyComparisonRow & { uplink: string; uplinkMbps: number }>;
  deadline: TestbedDeadlineSeries[];
  /** The model's latency per run. */
  modelled: Array<{ uplink: string; latency: CascadeLatency; rttMs: number }>;
  /** "Calibration lowers P[missed deadline]" per run and p_tar, on measured and on modelled times (empty without a calibration). */
  deadlineClaims: TestbedDeadlineClaim[];
  settings: TestbedComparisonSettings;
}

export function compareTestbedRuns(
  runs: readonly MeasuredRun[],
  records: ExitRecords,
  calibration: { file: CalibrationFile; path: string } | undefined,
  settings: TestbedComparisonSettings = DEFAULT_TESTBED_COMPARISON,
): TestbedComparison {
  const stage = stageTimesFromSidecar(records.meta, records.numExits, { kind: 'measured' });
  const out: TestbedComparison = { latency: [], deadline: [], modelled: [], deadlineClaims: [], settings };
  const claimSettings = settings.claim ?? {
    ...DEFAULT_TESTBED_DEADLINE_CLAIM,
    batchSize: settings.batchSize,
    pointRounds: settings.rounds,
    seed: settings.seed,
  };
  for (const run of runs) {
    const k = run.meta.model.edgeExits;
    const mbps = run.meta.link.uplinkMbps;
    const rttMs = settings.rttMs ?? run.meta.link.configuredDelayMs ?? 0;
    const lat = cascadeLatency(
      stage,
      { uplinkMbps: mbps, rttMs, cloud: settings.cloud, tensorDtype: run.meta.wire === 'float16' ? 'fp16' : 'fp32' },
      k,
    );
    out.modelled.push({ uplink: run.name, latency: lat, rttMs });
    for (const r of latencyComparison(run.rows, lat)) out.latency.push({ ...r, uplink: run.name, uplinkMbps: mbps });
    const pTars = settings.pTars ?? [...new Set(run.rows.map((r) => r.pTar))].sort((a, b) => a - b);
    const slowest = Math.max(lat.offloadMs, ...run.rows.map((r) => r.ms.total_ms ?? 0));
    const deadlinesMs =
      settings.deadlinesMs ?? Array.from({ length: 41 }, (_, i) => Number(((i * 1.1 * slowest) / 40).toPrecision(6)));
    if (calibration)
      out.deadlineClaims.push(
        ...testbedDeadlineClaims(
          { name: run.name, uplinkMbps: mbps, rows: run.rows, latency: lat },
          calibration.file.method,
          pTars,
          claimSettings,
        ),
      );
    const methods = [
      { name: 'none', calibrated: false },
      ...(calibration ? [{ name: calibration.file.method, calibrated: true }] : []),
    ];
    for (const m of methods) {
      for (const p of pTars) {
        const mt = measuredSampleTimes(run.rows, m.name, p, k, 'total_ms', run.csv);
        const inputs = recordsKeys(recordsSubset(records, mt.samples, run.csv), m.calibrated ? calibration : undefined);
        const keys = m.calibrated ? inputs.calibrated! : inputs.uncalibrated;
        const opts = {
          edgeExits: k,
          deadlinesMs,
          batchSize: settings.batchSize,
          rounds: settings.rounds,
          seed: settings.seed,
        };
        const measured = missedDeadlineProbability(keys, [p], mt.times, opts);
        const modelled = missedDeadlineProbability(keys, [p], constantSampleTimes(lat, mt.samples.length), opts);
        const overlap = measured.map((r, j) => {
          const o = modelled[j];
          if (r.ciLow === null || r.ciHigh === null || o.ciLow === null || o.ciHigh === null) return null;
          return r.ciLow <= o.ciHigh && o.ciLow <= r.ciHigh;
        });
        out.deadline.push({
          uplink: run.name,
          uplinkMbps: mbps,
          method: m.name,
          pTar: p,
          samples: mt.samples.length,
          measured,
          modelled,
          overlap,
        });
      }
    }
  }
  return out;
}
