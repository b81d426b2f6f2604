/**
 * One error family for the whole toolkit. Every message says what was expected, what was found
 * and where (file, field, exit, option), so a user can fix the input without reading the source.
 * src/ throws only these (test/layout/errorFamily.test.ts checks it): the CLI prints each as one
 * line with exit code 2 (ConfigError) or 3, and keeps "unexpected error" for real bugs.
 */
export class EecalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A command-line option, configuration value or function argument is missing or malformed (an
 * empty series list, an unknown p_tar, a bad file stem). CLI exit code 2.
 */
export class ConfigError extends EecalError {}

/** An exit-records CSV/JSON or calibration file does not follow the documented format. */
export class RecordFormatError extends EecalError {}

/** A dataset file or folder is missing, truncated, corrupt or fails its checksum. */
export class DataError extends EecalError {}

/** Two arrays that must agree in length or shape do not. */
export class ShapeMismatchError extends EecalError {}

/** A calibrator was used before `fit` was called. */
export class NotFittedError extends EecalError {}

/** A requested tfjs backend is not available on this machine. */
export class BackendError extends EecalError {}

/** An output path cannot be written (not a regular file, under a file, read-only, a device, /proc …). */
export class OutputError extends EecalError {}

/**
 * The machine lacks, or a helper program fails, something eecal needs at run time: Chromium for
 * PNG/SVG export, an installed plotly.js build, a tslab kernel for notebook display, the package root.
 */
export class EnvironmentError extends EecalError {}

/** A fit or computation failed numerically (NaN gradient, no finite optimum where one is required). */
export class FitError extends EecalError {}

/**
 * A library option is missing or out of range. `fields` are the option names of the library API
 * (`pTar`, `beta`); the CLI maps them to its flags (`--p-tar`), other callers read them as is.
 */
export class OptionError extends ConfigError {
  constructor(
    readonly fields: readonly string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A server eecal talks to (the edge or the cloud of the testbed) answered wrongly, or not at all. */
export class ServiceError extends EecalError {}

/** A worker-thread replica (data-parallel training or inference) crashed or failed a step. */
export class ReplicaError extends EecalError {}
