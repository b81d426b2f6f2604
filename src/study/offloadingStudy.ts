import type { ExitRecords } from '../records/types';
import { scoreRecords, type Calibration } from '../calibration/applyCalibration';
import type { CalibrationMethodDefinition } from '../calibration/methodDefinition';
import type { Fallback } from '../cascade/runCascade';
import { keysFromScores, type CascadeKeys } from '../cascade/cascadeKeys';
import { sweepThresholds, type SweepRow } from '../offloading/thresholdSweep';
import type { SweepBand } from '../offloading/bootstrapBands';
import type { OutageRow } from '../offloading/outage';
import { curveTasksOnPool } from './stats/replicatePool';
import type { CurveTask } from './curveTasks';
import { missedDeadlineProbability, type DeadlineRow } from '../offloading/missedDeadline';
import {
  cascadeLatency,
  exitLatencyOf,
  stageTimesFromSidecar,
  type CascadeLatency,
  type NetworkConfig,
  type StageTimes,
} from '../offloading/latencyModel';
import { constantSampleTimes } from '../offloading/sampleTimes';
import { sidecarExitCosts } from '../offloading/deviceCost';
import { grid, type ReproduceConfig } from './config';
import type { ExitLatency } from '../cascade/exitLatency';
import type { DeviceEceRow } from './deviceEce';

/**
 * A calibration variant to compare: its method id, display label, the fitted calibration (a file
 * or a method fitted in memory; none = uncalibrated) and the method itself (what the verdicts
 * refit on every bootstrap resample).
 */
export interface MethodSpec {
  /** A built-in method id, a user's method id, or 'uncalibrated'. */
  id: string;
  label: string;
  calibration?: Calibration;
  method?: CalibrationMethodDefinition;
}

/** Everything the simulator says about one method at one partition. */
export interface MethodStudy {
  id: MethodSpec['id'];
  label: string;
  sweep: SweepRow[];
  bands: SweepBand[];
  outage: OutageRow[];
  deadline: DeadlineRow[];
  /**
   * Overall accuracy on the sweep grid with either answer for offloaded samples: the final exit
   * (the offline metric code) and the most confident exit (the authors' `forwardEval`).
   */
  overallByFallback: Record<Fallback, number[]>;
  /** ECE of the samples the device keeps, per p_tar of the sweep grid, with bootstrap intervals. */
  deviceEce: DeviceEceRow[];
}

/** One partition: k side branches on the device. */
export interface PartitionStudy {
  edgeExits: number;
  /** Null when the records have no per-exit costs (no sidecar): latency is then not modelled. */
  latency: CascadeLatency | null;
  methods: MethodStudy[];
}

/** The whole offloading analysis of one records file. */
export interface OffloadingStudy {
  /** Where device times came from: the sidecar's measured ms, MACs ÷ speed, or 'none' (no per-exit costs: no latency). */
  timing: 'measured' | 'macs' | 'none';
  network: NetworkConfig;
  deadlinePTar: number;
  deadlinesMs: number[];
  /** Shuffled-batches protocol of outage and missed deadline. */
  batches: ReproduceConfig['batches'];
  partitions: PartitionStudy[];
  /** Equal-width bins of the device-kept ECE curves. */
  eceBins: number;
  /** What was not computed and why, as data (src/report words it); empty when nothing was skipped. */
  skipped: SkippedPart[];
}

/**
 * Which costly parts to compute (default all). A view that shows only the sweeps (notebook 05)
 * skips the outage bootstrap and the missed-deadline protocol, whose rows are then empty.
 */
export interface StudyParts {
  outage?: boolean;
  deadline?: boolean;
  /** The sweeps' bootstrap bands and the device-kept ECE curves (the sweeps themselves are always computed). */
  bands?: boolean;
}

/** Sidecar fields whose absence skips the latency analysis (what the report tells the user to add). */
/**
 * A part of the offloading study that was not computed. 'latency': the latency model, the
 * missed-deadline curves against the deadline and the per-exit cost figure, for want of per-exit
 * costs in the records' sidecar (`neededFields` enable them).
 */
export interface SkippedPart {
  part: 'latency';
  reason: 'no-exit-costs';
  neededFields: string;
}

export const LATENCY_FIELDS =
  'exits[].macs, exits[].trunkMacs, exits[].splitTensorBytes (side branches) and, for measured times, exits[].inferenceMsPerSample';

/** Device stage times: measured per-exit times when the sidecar has them, else the MACs model. */
export function stageTimes(
  records: ExitRecords,
  cfg: ReproduceConfig,
): { stage: StageTimes; timing: 'measured' | 'macs' } {
  const exits = records.meta?.exits;
  const measured =
    exits !== undefined &&
    exits.every((c) => typeof c.inferenceMsPerSample === 'number' && Number.isFinite(c.inferenceMsPerSample));
  const device = measured
    ? ({ kind: 'measured' } as const)
    : ({ kind: 'macs', gmacPerSecond: cfg.deadline.deviceGmacPerSecond } as const);
  return {
    stage: stageTimesFromSidecar(records.meta, records.numExits, device),
    timing: measured ? 'measured' : 'macs',
  };
}

/** The network of the reproduction's latency model (uplink, RTT, cloud speed-up from `cfg.deadline`). */
export function reproductionNetwork(cfg: ReproduceConfig): NetworkConfig {
  return {
    uplinkMbps: cfg.deadline.uplinkMbps,
    rttMs: cfg.deadline.rttMs,
    cloud: { speedup: cfg.deadline.cloudSpeedup },
  };
}

/**
 * The per-exit latency of k device branches under the reproduction's latency model (what the
 * offloading-driven calibration minimises): null when the records have no per-exit costs.
 */
export function reproductionLatency(
  records: ExitRecords,
  cfg: ReproduceConfig,
  edgeExits: number = records.numExits - 1,
): ExitLatency | null {
  if (!sidecarExitCosts(records.meta, records.numExits)) return null;
  return exitLatencyOf(cascadeLatency(stageTimes(records, cfg).stage, reproductionNetwork(cfg), edgeExits));
}

/** The 'auto' missed-deadline p_tar: largest multiple of 0.05 at least 3 pp below the final exit's accuracy. */
export function autoDeadlinePTar(keys: CascadeKeys): number {
  const correct = keys.correct[keys.correct.length - 1];
  let right = 0;
  for (let i = 0; i < correct.length; i++) right += correct[i];
  // The 1e-9 guards the floor against rounding: (0.83 − 0.03)·20 = 15.999…98 in doubles, which
  // would pick 0.75 although 0.80 is exactly 3 pp below 0.83.
  return Math.max(0.05, Number((Math.floor((right / correct.length - 0.03) * 20 + 1e-9) / 20).toFixed(2)));
}

/** Cascade keys (confidence + correctness per exit) of records under a calibration. */
export function methodKeys(records: ExitRecords, calibration?: Calibration): CascadeKeys {
  return keysFromScores(scoreRecords(records, calibration), records.labels);
}

/**
 * Sweeps (with bootstrap bands), outage and missed-deadline probability for every method and every
 * number of device branches k = 1 … E−1, all from the offloading simulator (docs/paper-notes.md#exit-rule, #outage). The
 * deadline grid runs from 0 to 1.25 × the slowest cascade outcome over all k, so every curve shows
 * its drop and its plateau.
 */
export function offloadingStudy(
  records: ExitRecords,
  methods: readonly MethodSpec[],
  cfg: ReproduceConfig,
  parts: StudyParts = {},
): OffloadingStudy {
  const network = reproductionNetwork(cfg);
  if (!sidecarExitCosts(records.meta, records.numExits)) return costFreeStudy(records, methods, cfg, network, parts);
  const { stage, timing } = stageTimes(records, cfg);
  const ks = Array.from({ length: records.numExits - 1 }, (_, j) => j + 1);
  const latencies = ks.map((k) => cascadeLatency(stage, network, k));
  const slowest = Math.max(...latencies.flatMap((l) => [l.offloadMs, ...l.exitMs]));
  const step = Number(((1.25 * slowest) / (cfg.deadline.points - 1)).toPrecision(2));
  const deadlinesMs = grid(0, step * (cfg.deadline.points - 1), step);
  const keys = methods.map((m) => methodKeys(records, m.calibration));
  const deadlinePTar = cfg.deadline.pTar === 'auto' ? autoDeadlinePTar(keys[0]) : cfg.deadline.pTar;
  const banded = bandedCurves(keys, cfg, ks, parts);
  const partitions = ks.map((k, j) => {
    const layout = { edgeExits: k, fallback: cfg.fallback };
    const times = constantSampleTimes(latencies[j], records.numSamples);
    return {
      edgeExits: k,
      latency: latencies[j],
      methods: costFreeMethods(keys, methods, cfg, k, banded[j]).map((m, i) => ({
        ...m,
        deadline:
          parts.deadline === false
            ? []
            : missedDeadlineProbability(keys[i], [deadlinePTar], times, { ...layout, ...cfg.batches, deadlinesMs }),
      })),
    };
  });
  return {
    timing,
    network,
    deadlinePTar,
    deadlinesMs,
    batches: cfg.batches,
    partitions,
    skipped: [],
    eceBins: cfg.eceBins,
  };
}

/** The banded curves of one method at one k (empty where the parts leave them out). */
interface BandedCurves {
  bands: SweepBand[];
  outage: OutageRow[];
  deviceEce: DeviceEceRow[];
}

/**
 * Sweep bands, outage bands and device-ECE bands of every method at every k (per k, per method):
 * the study's costliest part, computed as tasks on every thread (`curveTasksOnPool`, the same rows
 * on any number of them).
 */
function bandedCurves(
  keys: readonly CascadeKeys[],
  cfg: ReproduceConfig,
  ks: readonly number[],
  parts: StudyParts,
): BandedCurves[][] {
  const tasks: CurveTask[] = [];
  for (const k of ks) {
    const layout = { edgeExits: k, fallback: cfg.fallback };
    for (const kk of keys) {
      if (parts.bands !== false)
        tasks.push({ kind: 'sweep-bands', keys: kk, pTars: cfg.pTarGrid, options: { ...layout, ...cfg.bootstrap } });
      if (parts.outage !== false)
        tasks.push({
          kind: 'outage-bands',
          keys: kk,
          pTars: cfg.outagePTarGrid,
          layout,
          options: {
            batchSize: cfg.batches.batchSize,
            rounds: cfg.batches.rounds,
            seed: cfg.batches.seed,
            replicates: cfg.bootstrap.replicates,
            bootstrapSeed: cfg.bootstrap.seed,
          },
        });
      if (parts.bands !== false)
        tasks.push({
          kind: 'device-ece',
          keys: kk,
          pTars: cfg.pTarGrid,
          layout,
          options: { bins: cfg.eceBins, ...cfg.bootstrap },
        });
    }
  }
  const rows = curveTasksOnPool(tasks);
  let next = 0;
  return ks.map(() =>
    keys.map(() => ({
      bands: parts.bands !== false ? (rows[next++] as SweepBand[]) : [],
      outage: parts.outage !== false ? (rows[next++] as OutageRow[]) : [],
      deviceEce: parts.bands !== false ? (rows[next++] as DeviceEceRow[]) : [],
    })),
  );
}

/** Sweeps, bands and outage of every method at one partition: everything that needs no costs. */
function costFreeMethods(
  keys: readonly CascadeKeys[],
  methods: readonly MethodSpec[],
  cfg: ReproduceConfig,
  k: number,
  banded: readonly BandedCurves[],
): MethodStudy[] {
  const layout = { edgeExits: k, fallback: cfg.fallback };
  return methods.map((m, i) => ({
    id: m.id,
    label: m.label,
    sweep: sweepThresholds(keys[i], cfg.pTarGrid, layout),
    bands: banded[i].bands,
    outage: banded[i].outage,
    deadline: [],
    overallByFallback: {
      final: sweepThresholds(keys[i], cfg.pTarGrid, { edgeExits: k, fallback: 'final' }).map((r) => r.overallAccuracy),
      'most-confident': sweepThresholds(keys[i], cfg.pTarGrid, { edgeExits: k, fallback: 'most-confident' }).map(
        (r) => r.overallAccuracy,
      ),
    },
    deviceEce: banded[i].deviceEce,
  }));
}

/**
 * Records without per-exit costs (e.g. exported from PyTorch without a sidecar): everything that
 * needs no latency (sweeps, bands, outage, and the claims, whose missed-deadline plateau is the
 * accuracy-miss probability) is computed; the latency model and the missed-deadline curves are
 * skipped, and `skipped` says so and names the sidecar fields that would enable them.
 */
function costFreeStudy(
  records: ExitRecords,
  methods: readonly MethodSpec[],
  cfg: ReproduceConfig,
  network: NetworkConfig,
  parts: StudyParts,
): OffloadingStudy {
  const keys = methods.map((m) => methodKeys(records, m.calibration));
  const deadlinePTar = cfg.deadline.pTar === 'auto' ? autoDeadlinePTar(keys[0]) : cfg.deadline.pTar;
  const ks = Array.from({ length: records.numExits - 1 }, (_, j) => j + 1);
  const banded = bandedCurves(keys, cfg, ks, parts);
  return {
    timing: 'none',
    network,
    deadlinePTar,
    deadlinesMs: [],
    batches: cfg.batches,
    eceBins: cfg.eceBins,
    partitions: ks.map((k, j) => ({
      edgeExits: k,
      latency: null,
      methods: costFreeMethods(keys, methods, cfg, k, banded[j]),
    })),
    skipped: [{ part: 'latency', reason: 'no-exit-costs', neededFields: LATENCY_FIELDS }],
  };
}
