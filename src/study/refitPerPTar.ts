import type { ExitRecords } from '../records/types';
import type { CascadeKeys } from '../cascade/cascadeKeys';
import { sweepThresholds } from '../offloading/thresholdSweep';
import { bootstrapSweepBands } from '../offloading/bootstrapBands';
import { resolveConfig, type ReproduceConfig } from './config';
import type { MethodStudy, OffloadingStudy } from './offloadingStudy';
import { deviceEceVsPTar } from './deviceEce';
import { outageWithBootstrapBands } from './outageBands';
import { isPTarDependent, methodRefit } from './methodRefits';
import { CALIBRATION_METHODS, isCalibrationMethod } from '../calibration/methods';
import type { CalibrationMethodDefinition } from '../calibration/methodDefinition';

/**
 * The authors' offline figures refit per-branch and global TS at every p_tar: the curve at p_tar x
 * uses temperatures fitted on the validation samples each exit keeps under the uncalibrated
 * cascade at x. This replaces those methods' sweep, bands, fallback accuracies, device ECE and
 * outage with the per-p_tar fits (missed-deadline curves keep the fit at `calibrationPTar`: they
 * run over deadlines at one p_tar). Other methods are returned unchanged; a user's p_tar-dependent
 * method is refitted too when its object is in `methods`.
 */
export function refitSweepsPerPTar(
  study: OffloadingStudy,
  val: ExitRecords,
  test: ExitRecords,
  cfg: ReproduceConfig,
  methods: readonly CalibrationMethodDefinition[] = [],
): OffloadingStudy {
  const fallback = resolveConfig(cfg).calibrationSubset;
  const cache = new Map<string, CascadeKeys>();
  const definition = (id: string) =>
    methods.find((m) => m.id === id) ?? (isCalibrationMethod(id) ? CALIBRATION_METHODS[id] : null);
  const keysAt = (method: CalibrationMethodDefinition, x: number) => {
    const key = `${method.id}@${x}`;
    let k = cache.get(key);
    if (!k) cache.set(key, (k = methodRefit(method, val, test, { pTar: x, fallback })(null)));
    return k;
  };
  const redo = (m: MethodStudy, k: number): MethodStudy => {
    const id = definition(m.id);
    if (!id || !isPTarDependent(id)) return m;
    const layout = { edgeExits: k, fallback: cfg.fallback };
    const at = cfg.pTarGrid.map((x) => keysAt(id, x));
    return {
      ...m,
      sweep: cfg.pTarGrid.map((x, g) => sweepThresholds(at[g], [x], layout)[0]),
      bands: cfg.pTarGrid.map((x, g) => bootstrapSweepBands(at[g], [x], { ...layout, ...cfg.bootstrap })[0]),
      overallByFallback: {
        final: cfg.pTarGrid.map(
          (x, g) => sweepThresholds(at[g], [x], { edgeExits: k, fallback: 'final' })[0].overallAccuracy,
        ),
        'most-confident': cfg.pTarGrid.map(
          (x, g) => sweepThresholds(at[g], [x], { edgeExits: k, fallback: 'most-confident' })[0].overallAccuracy,
        ),
      },
      deviceEce: cfg.pTarGrid.map(
        (x, g) => deviceEceVsPTar(at[g], [x], layout, { bins: cfg.eceBins, ...cfg.bootstrap })[0],
      ),
      outage: cfg.outagePTarGrid.map(
        (x) =>
          outageWithBootstrapBands(keysAt(id, x), [x], layout, {
            batchSize: cfg.batches.batchSize,
            rounds: cfg.batches.rounds,
            seed: cfg.batches.seed,
            replicates: cfg.bootstrap.replicates,
            bootstrapSeed: cfg.bootstrap.seed,
          })[0],
      ),
    };
  };
  return {
    ...study,
    partitions: study.partitions.map((p) => ({ ...p, methods: p.methods.map((m) => redo(m, p.edgeExits)) })),
  };
}
