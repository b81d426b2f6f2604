import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackendError } from '../errors';
import { repoRoot } from '../util/repoRoot';

/**
 * eecal's optional native kernels (`native/eecal_blas.c` and `eecal_dnnl.c`, built by `npm run
 * build:native` against the system's OpenBLAS and, where installed, oneDNN): the convolutions on
 * oneDNN (or im2col + OpenBLAS GEMM), and the max-pool gradient, LRN and its gradient in C. They run on
 * Float32Array views of the tensors' memory — for the wasm backend, views of the wasm heap — so
 * nothing is copied. Geometry: Int32Array [B,H,W,Ci,OH,OW,Co,KH,KW,strideH,strideW,padTop,padLeft].
 */
export interface NativeBlas {
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    y: Float32Array,
    geom: Int32Array,
    bias: Float32Array | null,
    activation: number,
  ): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geom: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geom: Int32Array): void;
  /** Pool geometry: Int32Array [B,H,W,C,OH,OW,FH,FW,strideH,strideW,padTop,padLeft]. */
  maxPoolGrad(x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, poolGeom: Int32Array): void;
  /** LRN over the last axis of x (`channels` per pixel), tfjs's definition; y has x's length. */
  lrn(
    x: Float32Array,
    y: Float32Array,
    channels: number,
    depthRadius: number,
    bias: number,
    alpha: number,
    beta: number,
  ): void;
  /** Its gradient dx from x, y (the forward output) and dy, all of x's length. */
  lrnGrad(
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    channels: number,
    depthRadius: number,
    bias: number,
    alpha: number,
    beta: number,
  ): void;
  /** out[c] = Σ_r x[r·C + c] with C = out.length (x holds whole rows of C): the bias gradients' Sum. */
  sumRows(x: Float32Array, out: Float32Array): void;
  /** out[i] = op(a[i])·op(b[i]), dims Int32Array [batch, M, K, N, transposeA 0|1, transposeB 0|1]. */
  matMul(a: Float32Array, b: Float32Array, out: Float32Array, dims: Int32Array): void;
  /**
   * One Adam step in place on weights w and moments m, v from gradient g (one length), bit-identical
   * to tfjs's AdamOptimizer; constants Float32Array [β₁, β₂, 1−β₁, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr,
   * weightDecay]; decay 1 adds weightDecay·w to g first. Absent from builds before it was added.
   */
  adamUpdate?(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    constants: Float32Array,
    decay: 0 | 1,
  ): void;
  /** BLAS threads per call, once per process: 1 ≤ n ≤ info().maxThreads; another n later throws. */
  setThreads(n: number): void;
  /** Which library runs the convolutions, for the whole process ('onednn' throws in a build without it). */
  setConvLibrary(library: ConvLibrary): void;
  info(): NativeInfo;
}

/** The convolution libraries of the native build. */
export type ConvLibrary = 'onednn' | 'openblas';

/** What the native build is and which library runs each of its entry points now. */
export interface NativeInfo {
  /** OpenBLAS's build line. */
  blas: string;
  /** "oneDNN 2.6.3", or null when built without it. */
  dnnl: string | null;
  /** Threads per call, and the most setThreads accepts (CPUs online, ≤ 64). */
  threads: number;
  maxThreads: number;
  kernels: {
    conv2d: string;
    conv2dBackpropFilter: string;
    conv2dBackpropInput: string;
    maxPoolGrad: string;
    lrn: string;
    lrnGrad: string;
    sum: string;
    matMul: string;
    /** The bootstrap's torch-lbfgs objective (absent from builds before it was added). */
    temperatureNll?: string;
    /** The bootstrap smooth ECE's inner loops (absent from builds before they were added). */
    smoothEce?: string;
  };
}

/** Whether the native kernels loaded, and if not, why (for `eecal doctor` and the logs). */
export interface NativeBlasStatus {
  loaded: NativeBlas | null;
  detail: string;
}

/**
 * Where `npm run build:native` writes the addon, unless `EECAL_NATIVE_ADDON` names another build of
 * it (CI points it at the sanitizer build, `native/build.sh --sanitize`, to run the native tests).
 */
export function nativeBlasPath(root: string = repoRoot(), env: NodeJS.ProcessEnv = process.env): string {
  if (env.EECAL_NATIVE_ADDON) return path.resolve(env.EECAL_NATIVE_ADDON);
  return path.join(root, 'native', 'build', 'eecal_blas.node');
}

/**
 * The addon module itself, or why not: `EECAL_NATIVE=0`, not built, or failing to load. Loading
 * touches no setting; each caller checks the entry points it needs.
 */
function requireNativeAddon(env: NodeJS.ProcessEnv): { module: unknown; detail: string } {
  if (env.EECAL_NATIVE === '0') return { module: null, detail: 'off (EECAL_NATIVE=0)' };
  const file = nativeBlasPath(repoRoot(), env);
  if (!fs.existsSync(file)) {
    if (env.EECAL_NATIVE_ADDON)
      return { module: null, detail: `not found: EECAL_NATIVE_ADDON=${env.EECAL_NATIVE_ADDON}` };
    return { module: null, detail: `not built (npm run build:native; needs a C compiler and libopenblas-dev)` };
  }
  try {
    return { module: require(file) as unknown, detail: file };
  } catch (err) {
    return {
      module: null,
      detail: `failed to load ${file}: ${(err as Error).message.split('\n')[0]} (rebuild: npm run build:native)`,
    };
  }
}

/**
 * Load the native kernels, or say why not. `EECAL_NATIVE=0` turns them off (then eecal uses its
 * wasm kernels, as on a machine without a C compiler or OpenBLAS). The convolutions run on oneDNN
 * when the build has it (`EECAL_NATIVE_CONV=openblas` keeps them on OpenBLAS, process-wide). BLAS runs one thread per call:
 * training and inference already run one replica per core, and OpenBLAS's own threads on top
 * would oversubscribe the cores (`EECAL_BLAS_THREADS` overrides, e.g. for one-process use). The
 * count is OpenBLAS's one global, so it is set once per process, by the first load: every worker
 * replica inherits the same environment and asks for the same count; another count is refused.
 */
export function loadNativeBlas(env: NodeJS.ProcessEnv = process.env): NativeBlasStatus {
  const addon = requireNativeAddon(env);
  if (!addon.module) return { loaded: null, detail: addon.detail };
  const mod = addon.module as NativeBlas;
  const raw = env.EECAL_BLAS_THREADS ?? '1';
  const threads = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || threads < 1)
    throw new BackendError(
      `EECAL_BLAS_THREADS="${raw}": expected a whole number ≥ 1 (BLAS threads per native kernel call)`,
    );
  try {
    mod.setThreads(threads);
  } catch (err) {
    throw new BackendError(`EECAL_BLAS_THREADS="${raw}": ${(err as Error).message.replace(/^eecal native: /, '')}`);
  }
  const conv = env.EECAL_NATIVE_CONV;
  if (conv !== undefined) {
    if (conv !== 'onednn' && conv !== 'openblas')
      throw new BackendError(`EECAL_NATIVE_CONV="${conv}": expected onednn or openblas`);
    try {
      mod.setConvLibrary(conv);
    } catch (err) {
      throw new BackendError(
        `EECAL_NATIVE_CONV="${conv}": ${(err as Error).message.replace(/^eecal native: setConvLibrary: /, '')}`,
      );
    }
  }
  const info = mod.info();
  const dnnl = info.dnnl ? `, ${info.dnnl}` : '';
  return {
    loaded: mod,
    detail: `OpenBLAS (${info.blas.trim()})${dnnl}, ${info.threads} thread${info.threads === 1 ? '' : 's'} per call`,
  };
}

/**
 * The bootstrap's softmax kernels (native/eecal_softmax.c), bit for bit what eecal's JavaScript
 * loops compute (V8's fdlibm exp and log, the same operations in the same order), eight rows at a
 * time with AVX-512. Logits arrive max-shifted and class-major, `dt[k·rows + r]`.
 */
export interface NativeSoftmax {
  /**
   * The torch-lbfgs objective over a resample: sums[0] = Σ_drawn log Σ_k e^{β d_k} − β ℓ and
   * sums[1] = Σ_drawn E_p[d] − ℓ, in drawn order; scratch ≥ 2·rows.
   */
  temperatureNll(
    dt: Float64Array,
    labelShift: Float64Array,
    numClasses: number,
    drawn: Int32Array,
    beta: number,
    scratch: Float64Array,
    sums: Float64Array,
    scalarOnly: boolean,
  ): void;
  /** conf[r] = 1 / Σ_k e^{β dt[k·rows + r]} (rows = conf.length): max softmax at temperature 1/β. */
  maxSoftmax(dt: Float64Array, numClasses: number, beta: number, conf: Float64Array, scalarOnly: boolean): void;
  /** y = e^x (fn 0) or log x (fn 1) as V8's Math.exp / Math.log, for the tests. */
  fdlibm(fn: 0 | 1, x: Float64Array, y: Float64Array, scalarOnly: boolean): void;
  info(): NativeInfo;
}

let objectiveKernel: NativeSoftmax | null | undefined;

/**
 * The addon's softmax kernels, or null (not built, an older build without it, or
 * EECAL_NATIVE=0): callers then run the same arithmetic in JavaScript and get the same numbers.
 * Loading it touches none of the BLAS settings, so the bootstrap's worker threads may call it freely.
 */
export function nativeSoftmax(env: NodeJS.ProcessEnv = process.env): NativeSoftmax | null {
  if (objectiveKernel !== undefined) return objectiveKernel;
  // Without the addon (or with a broken build, which `eecal doctor` reports) the JavaScript path serves.
  const mod = requireNativeAddon(env).module as Partial<NativeSoftmax> | null;
  objectiveKernel =
    mod &&
    typeof mod.temperatureNll === 'function' &&
    typeof mod.maxSoftmax === 'function' &&
    typeof mod.fdlibm === 'function'
      ? (mod as NativeSoftmax)
      : null;
  return objectiveKernel;
}

/** The addon's entry points for the bootstrap smooth ECE's inner loops (native/eecal_smooth.c). */
interface NativeSmoothSumsAddon {
  smoothModeSum(
    acc: Float64Array,
    spec: Float64Array,
    phi: Float64Array,
    E: number,
    from: number,
    to: number,
    scalarOnly: boolean,
  ): number;
  smoothDenseSum(
    sum: Float64Array,
    num: Float64Array,
    nonzeroCells: Int32Array,
    nonzero: number,
    cells: Int32Array,
    rowOffset: Int32Array,
    rowLo: Int32Array,
    rowHi: Int32Array,
    rowData: Float64Array,
    E: number,
    scalarOnly: boolean,
  ): number;
  smoothCosineGains(
    hs: Float64Array,
    h2: Float64Array,
    cosL: Float64Array,
    reach: number,
    L: number,
    gain: Float64Array,
    scalarOnly: boolean,
  ): void;
  smoothColumnMasses(
    ker: Float64Array,
    rho: Float64Array,
    jLo: number,
    jHi: number,
    out: Float64Array,
    scalarOnly: boolean,
  ): void;
  smoothSpecCoefficients(
    spec: Float64Array,
    num: Float64Array,
    nonzeroCells: Int32Array,
    nonzero: number,
    cosTab: Float64Array,
    cap: number,
    from: number,
    to: number,
    scalarOnly: boolean,
  ): void;
  smoothSpread(
    counts: Int32Array,
    lowerCell: Int32Array,
    frac: Float64Array,
    residual: Float64Array,
    cells: Int32Array,
    G: number,
    num: Float64Array,
    den: Float64Array,
    nonzeroCells: Int32Array,
    weightedCells: Int32Array,
    out: Float64Array,
  ): void;
  smoothWeightRows(
    ker: Float64Array,
    lower: Int32Array,
    w: Float64Array,
    nodes: Int32Array,
    count: number,
    rowOffset: Int32Array,
    rowLo: Int32Array,
    rowHi: Int32Array,
    rowData: Float64Array,
    scalarOnly: boolean,
  ): void;
}

/** An entry point without its trailing `scalarOnly` flag (those without one stay as they are). */
type WithoutScalarOnly<F> = F extends (...args: [...infer A, boolean]) => infer R ? (...args: A) => R : F;

/**
 * The bootstrap smooth ECE's hot loops in C, shaped as metrics' `SmoothSumKernels`: the addon's
 * `smoothModeSum` as `modeSum` and so on, with the code path chosen once. Per resample the smoothed
 * residual at every evaluation point from cosine modes or dense rows, per bandwidth the kernel's
 * cosine gains and the grid's column masses; eight outputs per AVX-512 instruction, each output's
 * terms added in the JavaScript loops' order, so the numbers are theirs bit for bit.
 */
export type NativeSmoothSums = {
  [K in keyof NativeSmoothSumsAddon as K extends `smooth${infer N}` ? Uncapitalize<N> : never]: WithoutScalarOnly<
    NativeSmoothSumsAddon[K]
  >;
} & {
  /** "AVX-512" or "scalar C". */
  path: string;
};

/** Every entry point a build must have for {@link nativeSmoothSums} to use it. */
const SMOOTH_ENTRY_POINTS: readonly (keyof NativeSmoothSumsAddon)[] = [
  'smoothModeSum',
  'smoothDenseSum',
  'smoothCosineGains',
  'smoothColumnMasses',
  'smoothSpecCoefficients',
  'smoothSpread',
  'smoothWeightRows',
];

let smoothSumsKernel: NativeSmoothSums | null | undefined;

/**
 * The addon's smooth-ECE loops, or null (not built, an older build, or EECAL_NATIVE=0): the
 * JavaScript loops then give the same numbers. `scalarOnly` (tests) skips the AVX-512 path.
 */
export function nativeSmoothSums(env: NodeJS.ProcessEnv = process.env, scalarOnly = false): NativeSmoothSums | null {
  if (smoothSumsKernel !== undefined && !scalarOnly) return smoothSumsKernel;
  const mod = requireNativeAddon(env).module as (Partial<NativeSmoothSumsAddon> & { info?: () => NativeInfo }) | null;
  const kernel =
    mod && SMOOTH_ENTRY_POINTS.every((name) => typeof mod[name] === 'function')
      ? bindSmoothSums(mod as NativeSmoothSumsAddon & { info: () => NativeInfo }, scalarOnly)
      : null;
  if (!scalarOnly) smoothSumsKernel = kernel;
  return kernel;
}

function bindSmoothSums(
  mod: NativeSmoothSumsAddon & { info: () => NativeInfo },
  scalarOnly: boolean,
): NativeSmoothSums {
  return {
    modeSum: (acc, spec, phi, E, from, to) => mod.smoothModeSum(acc, spec, phi, E, from, to, scalarOnly),
    denseSum: (sum, num, nonzeroCells, nonzero, cells, rowOffset, rowLo, rowHi, rowData, E) =>
      mod.smoothDenseSum(sum, num, nonzeroCells, nonzero, cells, rowOffset, rowLo, rowHi, rowData, E, scalarOnly),
    cosineGains: (hs, h2, cosL, reach, L, gain) => mod.smoothCosineGains(hs, h2, cosL, reach, L, gain, scalarOnly),
    columnMasses: (ker, rho, jLo, jHi, out) => mod.smoothColumnMasses(ker, rho, jLo, jHi, out, scalarOnly),
    specCoefficients: (spec, num, nonzeroCells, nonzero, cosTab, cap, from, to) =>
      mod.smoothSpecCoefficients(spec, num, nonzeroCells, nonzero, cosTab, cap, from, to, scalarOnly),
    spread: mod.smoothSpread.bind(mod),
    weightRows: (ker, lower, w, nodes, count, rowOffset, rowLo, rowHi, rowData) =>
      mod.smoothWeightRows(ker, lower, w, nodes, count, rowOffset, rowLo, rowHi, rowData, scalarOnly),
    path: scalarOnly ? 'scalar C' : (mod.info().kernels.smoothEce ?? 'C'),
  };
}
