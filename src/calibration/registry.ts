import type { Calibrator, CalibratorKind, CalibratorState } from './types';
import { IdentityCalibrator } from './identity';
import { TemperatureScaling, type TemperatureScalingOptions } from './temperatureScaling';
import { VectorScaling, type VectorScalingOptions } from './vectorScaling';
import { MatrixScaling, type MatrixScalingOptions } from './matrixScaling';
import { HistogramBinning, type HistogramBinningOptions } from './histogramBinning';
import { IsotonicRegression } from './isotonicRegression';
import { PlattScaling } from './plattScaling';
import { BetaCalibration } from './betaCalibration';
import { RecordFormatError } from '../errors';

/**
 * Temperatures a calibration file may hold. The fit itself searches [0.01, 100]; the file allows a
 * decade more either side for other tools. Below 1e-3, logits up to the records bound (|z| ≤ 1e30)
 * would leave float32 range once divided by T; above 1e3, any realistic logit gap (< 10³) is
 * flattened to a near-uniform softmax — both signal a broken file (T = 1e308 or 1e-320 would
 * otherwise be accepted and fail far away).
 */
export const TEMPERATURE_RANGE: readonly [number, number] = [1e-3, 1e3];

/** Constructor options of each kind. */
export interface CalibratorOptions {
  identity: Record<string, never>;
  temperature: TemperatureScalingOptions;
  vector: VectorScalingOptions;
  matrix: MatrixScalingOptions;
  histogram: HistogramBinningOptions;
  isotonic: Record<string, never>;
  platt: Record<string, never>;
  beta: Record<string, never>;
}

interface Entry<K extends CalibratorKind> {
  create(options: CalibratorOptions[K]): Calibrator;
  load(state: Extract<CalibratorState, { kind: K }>, numClasses: number): Calibrator;
}

/** The typed registry: every kind must be listed (the compiler checks exhaustiveness). */
const REGISTRY: { [K in CalibratorKind]: Entry<K> } = {
  identity: { create: () => new IdentityCalibrator(), load: (_s, C) => new IdentityCalibrator(C) },
  temperature: {
    create: (o) => new TemperatureScaling(o),
    load: (s, C) => {
      const T: unknown = s.temperature;
      if (typeof T !== 'number' || !(T >= TEMPERATURE_RANGE[0] && T <= TEMPERATURE_RANGE[1])) {
        throw new RecordFormatError(
          `temperature calibrator: "temperature" must be a JSON number in [${TEMPERATURE_RANGE[0]}, ${TEMPERATURE_RANGE[1]}], found ${JSON.stringify(T) ?? String(T)}`,
        );
      }
      return TemperatureScaling.withTemperature(T, C);
    },
  },
  vector: { create: (o) => new VectorScaling(o), load: (s, C) => VectorScaling.fromState(s, C) },
  matrix: { create: (o) => new MatrixScaling(o), load: (s, C) => MatrixScaling.fromState(s, C) },
  histogram: { create: (o) => new HistogramBinning(o), load: (s, C) => HistogramBinning.fromState(s, C) },
  isotonic: { create: () => new IsotonicRegression(), load: (s, C) => IsotonicRegression.fromState(s, C) },
  platt: { create: () => new PlattScaling(), load: (s, C) => PlattScaling.fromState(s, C) },
  beta: { create: () => new BetaCalibration(), load: (s, C) => BetaCalibration.fromState(s, C) },
};

/** Every registered kind. */
export const CALIBRATOR_KINDS = Object.keys(REGISTRY) as CalibratorKind[];

/** True when `kind` names a registered calibrator. */
export function isCalibratorKind(kind: unknown): kind is CalibratorKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(REGISTRY, kind);
}

/** A new, unfitted calibrator of a kind. */
export function createCalibrator<K extends CalibratorKind>(kind: K, options?: CalibratorOptions[K]): Calibrator {
  if (!isCalibratorKind(kind))
    throw new RecordFormatError(
      `unknown calibrator kind "${String(kind)}"; expected one of ${CALIBRATOR_KINDS.join(', ')}`,
    );
  return (REGISTRY[kind] as Entry<K>).create((options ?? {}) as CalibratorOptions[K]);
}

/**
 * Rebuild a fitted calibrator from its saved state (`toJSON()` output or a calibration-file
 * entry). Unknown kinds and malformed parameters are RecordFormatErrors naming the field.
 * @param numClasses - classes of the logits it will be applied to.
 */
export function calibratorFromJSON(state: CalibratorState | unknown, numClasses: number): Calibrator {
  if (!state || typeof state !== 'object' || !isCalibratorKind((state as { kind?: unknown }).kind)) {
    const found =
      state && typeof state === 'object' ? JSON.stringify((state as { kind?: unknown }).kind) : JSON.stringify(state);
    throw new RecordFormatError(`calibrator state: "kind" ${found} is not one of ${CALIBRATOR_KINDS.join(', ')}`);
  }
  const kind = (state as CalibratorState).kind;
  return (REGISTRY[kind] as Entry<typeof kind>).load(state as never, numClasses);
}
