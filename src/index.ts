/**
 * eecal's public API. The pure analysis layers are also importable on their own (package
 * `exports`: `eecal/records`, `eecal/cascade`, `eecal/calibration`, `eecal/metrics`, `eecal/offloading`, `eecal/plots`),
 * which load neither tfjs nor Chromium; this root entry re-exports everything, tfjs parts included.
 */
export * from './errors';
export * from './records/index';
export * from './cascade/index';
export * from './calibration/index';
export * from './metrics/index';
export * from './offloading/index';
export * from './plots/index';
export * from './models/index';
export * from './train/index';
export * from './backend/index';
export * as data from './data/index';
export { reproduce, type ReproduceOptions, type ReproduceResult } from './report/reproduce';
export { createRng, permutation, shuffleInPlace, type Rng } from './util/rng';
