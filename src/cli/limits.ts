import { ConfigError } from '../errors';

/**
 * Upper bounds of every count option of the CLI. Each is checked when the option is parsed, before
 * anything is read or allocated, so a typo such as `--replicates 1e9` is a usage error (exit 2)
 * naming the flag instead of minutes of work and an out-of-memory kill. The bounds sit far above any
 * use the analysis needs; the reason for each is given beside it.
 */

/**
 * --bins, --hist-bins: the binning allocates a few arrays of this length per exit, and no
 * calibration or ECE estimate needs more bins than 10⁵ (with fewer than 10⁵ samples per bin most
 * are empty anyway).
 */
export const MAX_BINS = 100_000;

/**
 * Bootstrap resamples (--bootstrap, --replicates): the Monte-Carlo error of a percentile band is
 * already negligible at a few thousand resamples; each resample stores one value per metric and
 * grid point.
 */
export const MAX_REPLICATES = 100_000;

/** Shuffled rounds of the outage / missed-deadline protocol (--rounds); one result row per round is kept. */
export const MAX_ROUNDS = 100_000;

/**
 * Batch size of the outage / missed-deadline protocol (--batch-size): nothing is allocated per
 * batch element; a batch larger than the records is one batch. 10⁷ is the largest records file
 * the streamed reader is measured on.
 */
export const MAX_PROTOCOL_BATCH_SIZE = 10_000_000;

/** Batch size of train / infer (--batch-size): one tensor of batch × image is allocated at once. */
export const MAX_MODEL_BATCH_SIZE = 65_536;

/** --epochs and --patience of train: an epoch is a full pass over the training split. */
export const MAX_EPOCHS = 10_000;

/** --max-train: a cap on the training split (no allocation of its own); 10⁷ is above any supported dataset. */
export const MAX_TRAIN_SAMPLES = 10_000_000;

/**
 * --val-size of data inspect: the validation split is drawn from the official training set, so
 * its real bound is that set's size (checked when splitting); this one only stops absurd input early.
 */
export const MAX_VAL_SIZE = 10_000_000;

/**
 * --size H,W of data inspect (image folders): every image is resized to H×W×C bytes and all are
 * held in memory; 4096 is 128× the CIFAR-10 side.
 */
export const MAX_IMAGE_SIDE = 4096;

/**
 * Points of a grid option (--p-tar, --threshold, --deadline), as start:stop:step or a comma list:
 * a step of 10⁻⁵ over [0, 1] is 100,001 points, finer than any curve can show.
 */
export const MAX_GRID_POINTS = 100_001;

/**
 * Values kept for the confidence bands and rounds together: resamples × grid points (sweep,
 * reproduce), rounds × grid points (outage), rounds × p_tar points × deadlines (deadline). 10⁷
 * values are 80 MB as doubles; each factor alone is bounded above, this bounds their product.
 */
export const MAX_RESULT_VALUES = 10_000_000;

/**
 * The product of counts that are stored together, each named with its flag; a ConfigError naming
 * them when it exceeds `MAX_RESULT_VALUES`.
 */
export function checkResultSize(factors: Array<[flag: string, count: number]>): void {
  const total = factors.reduce((p, [, n]) => p * n, 1);
  if (total > MAX_RESULT_VALUES) {
    const parts = factors.map(([flag, n]) => `${flag} ${n}`).join(' × ');
    throw new ConfigError(
      `${parts} = ${total.toExponential(2)} values to keep; expected ≤ ${MAX_RESULT_VALUES.toExponential(0)} (lower one of them)`,
    );
  }
}

/** Worker replicas (`--workers`): each holds a model copy and a wasm heap; more than 8 rarely pays. */
export const MAX_WORKERS = 64;
