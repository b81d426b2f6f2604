import type { PairedBootstrap, SideCurves, SideResult } from './pairedBootstrap';
import { ShapeMismatchError } from '../../errors';

const CURVES = ['offload', 'device', 'overall', 'deviceCount'] as const;
const BATCH = ['outage', 'accuracyMiss'] as const;

/**
 * One paired bootstrap from several single-point ones (each run with grid = batch points = [x] and
 * the same seed, e.g. with the calibration refitted at that x): column g of the result is the run
 * at the g-th smallest x. With the same seed every run draws the same resamples and shuffles, so
 * the uncalibrated side is the same curve, and differences between points stay paired.
 */
export function mergePointBootstraps(runs: readonly PairedBootstrap[]): PairedBootstrap {
  const sorted = [...runs].sort((a, b) => a.grid[0] - b.grid[0]);
  const B = sorted[0].replicates;
  const G = sorted.length;
  for (const r of sorted) {
    if (r.grid.length !== 1 || r.batchPoints.length !== 1 || r.batchPoints[0] !== r.grid[0])
      throw new ShapeMismatchError('mergePointBootstraps: each run must have one grid point, also its batch point');
    if (r.replicates !== B) throw new ShapeMismatchError('mergePointBootstraps: runs differ in replicates');
  }
  const merge = (pick: (run: PairedBootstrap) => SideCurves, rows: number): SideCurves => {
    const out = {} as SideCurves;
    for (const name of [...CURVES, ...BATCH]) {
      const a = new Float64Array(rows * G);
      sorted.forEach((run, g) => {
        const src = pick(run)[name];
        for (let r = 0; r < rows; r++) a[r * G + g] = src[r];
      });
      out[name] = a;
    }
    return out;
  };
  const side = (j: number, which: 'uncalibrated' | 'calibrated'): SideResult => ({
    point: merge((run) => run.partitions[j][which].point, 1),
    reps: merge((run) => run.partitions[j][which].reps, B),
  });
  const xs = sorted.map((r) => r.grid[0]);
  return {
    replicates: B,
    grid: xs,
    batchPoints: xs,
    partitions: sorted[0].partitions.map((p, j) => ({
      edgeExits: p.edgeExits,
      deviceConfidencesLowered: sorted.every((run) => run.partitions[j].deviceConfidencesLowered),
      uncalibrated: side(j, 'uncalibrated'),
      calibrated: side(j, 'calibrated'),
    })),
  };
}
