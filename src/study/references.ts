/**
 * Published reference numbers the reproduction is compared with (docs/paper-notes.md#reference-numbers). These are the
 * only typed-in numbers in a report; every number about eecal's own model comes from computation.
 */

/** BranchyNet (Teerapittayanon et al., ICPR 2016), Table I, CIFAR-10 rows. */
export const BRANCHYNET_TABLE1 = {
  source: 'BranchyNet (Teerapittayanon et al., ICPR 2016), Table I',
  alexnetAccuracy: 0.7838,
  bAlexnetAccuracy: 0.7919,
  /** Share of test samples leaving at branch 1, branch 2 and the final exit (entropy thresholds 0.0001, 0.05). */
  bAlexnetExitFractions: [0.656, 0.252, 0.092],
  bAlexnetEntropyThresholds: [0.0001, 0.05],
  /** B-LeNet on MNIST: accuracy and share of samples at the first exit. */
  bLenetAccuracy: 0.9925,
  bLenetFirstExitFraction: 0.943,
} as const;

/** Guo et al. 2017, "On Calibration of Modern Neural Networks", Table 1: CIFAR-10 ECE (%, 15 bins). */
export const GUO_TABLE1_CIFAR10 = {
  source: 'Guo et al. 2017, Table 1 (CIFAR-10, ECE with 15 bins)',
  rows: [
    { model: 'ResNet 110', uncalibrated: 0.046, temperature: 0.0083 },
    { model: 'ResNet 110 (SD)', uncalibrated: 0.0412, temperature: 0.006 },
    { model: 'Wide ResNet 32', uncalibrated: 0.0452, temperature: 0.0054 },
    { model: 'DenseNet 40', uncalibrated: 0.0328, temperature: 0.0033 },
    { model: 'LeNet 5', uncalibrated: 0.0302, temperature: 0.0093 },
  ],
  /** The range the paper's rows span: 3–5% before, under 1% after TS (docs/paper-notes.md#reference-numbers). */
  uncalibratedRange: [0.03, 0.05] as [number, number],
  temperatureBelow: 0.01,
} as const;
