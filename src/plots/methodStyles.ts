import type { CalibrationMethod } from '../calibration/methods';
import type { SeriesStyle } from './style';
import { ConfigError } from '../errors';

/**
 * The one style registry of eecal figures: every calibration method id has a fixed colour and every
 * device-branch count k a fixed (dash, marker), so "TS per exit" looks the same in every figure and
 * notebook, and k = 1 vs k = 2 of one method differ by line pattern rather than by a similar shade.
 *
 * Colours: Okabe & Ito (2008) plus Paul Tol's "muted" scheme, both designed to stay distinct under
 * the common colour-vision deficiencies; yellow and pale tones are left out (invisible on white).
 */

/**
 * A styled method: 'uncalibrated' or an id of the calibration method registry. Typing the colour
 * table by this union makes the compiler reject a registered method without a style.
 */
export type MethodId = 'uncalibrated' | CalibrationMethod;

/** Styled method ids, in the order figures list them. */
export const STYLED_METHOD_IDS: readonly MethodId[] = [
  'uncalibrated',
  'temperature',
  'per-branch',
  'global',
  'torch-lbfgs',
  'vector',
  'matrix',
  'histogram',
  'isotonic',
  'platt',
  'beta',
  'offloading',
];

/** Colour of each method (all distinct). */
export const METHOD_COLORS: Readonly<Record<MethodId, string>> = {
  uncalibrated: '#555555', // neutral grey: the baseline (the paper's "Conventional")
  temperature: '#0072B2', // Okabe–Ito blue
  'per-branch': '#D55E00', // Okabe–Ito vermillion
  global: '#009E73', // Okabe–Ito bluish green
  'torch-lbfgs': '#56B4E9', // Okabe–Ito sky blue
  vector: '#E69F00', // Okabe–Ito orange
  matrix: '#CC79A7', // Okabe–Ito reddish purple
  histogram: '#882255', // Tol wine
  isotonic: '#999933', // Tol olive
  platt: '#AA4499', // Tol purple
  beta: '#332288', // Tol indigo
  offloading: '#000000', // black
};

/** Marker of each method when no branch count is given (a second cue besides colour). */
const METHOD_MARKERS: Readonly<Record<MethodId, string>> = {
  uncalibrated: 'circle',
  temperature: 'triangle-up',
  'per-branch': 'diamond',
  global: 'square',
  'torch-lbfgs': 'triangle-down',
  vector: 'pentagon',
  matrix: 'hexagon',
  histogram: 'star',
  isotonic: 'cross',
  platt: 'x',
  beta: 'hourglass',
  offloading: 'bowtie',
};

/** Line pattern and marker of device-branch count k = 1, 2, 3, … (index k − 1). */
export const BRANCH_STYLES: readonly { dash: SeriesStyle['dash']; marker: string }[] = [
  { dash: 'solid', marker: 'circle' },
  { dash: 'dash', marker: 'square' },
  { dash: 'dot', marker: 'diamond' },
  { dash: 'dashdot', marker: 'triangle-up' },
  { dash: 'longdash', marker: 'x' },
];

/** Colours for methods the registry does not know (Tol "bright"/"muted" leftovers), used in order. */
const SPARE_COLORS = ['#117733', '#44AA99', '#88CCEE', '#DDCC77', '#661100', '#6699CC', '#888888'] as const;

/** Display names that figures used before method ids existed, mapped to their id. */
const LABEL_ALIASES: Readonly<Record<string, MethodId>> = {
  uncalibrated: 'uncalibrated',
  conventional: 'uncalibrated',
  none: 'uncalibrated',
  'ts per exit': 'temperature',
  ts: 'temperature',
  'temperature scaling': 'temperature',
  'per-branch ts': 'per-branch',
  'global ts': 'global',
  'torch lbfgs': 'torch-lbfgs',
  'vector scaling': 'vector',
  'matrix scaling': 'matrix',
  'histogram binning': 'histogram',
  'isotonic regression': 'isotonic',
  'platt scaling': 'platt',
  'beta calibration': 'beta',
};

/** True when `id` is a method id the registry knows. */
export function isMethodId(id: string): id is MethodId {
  return (STYLED_METHOD_IDS as readonly string[]).includes(id);
}

/**
 * The method id and branch count a display label stands for, for figures built from labels only:
 * "k=2 · Per-branch TS" → { method: 'per-branch', k: 2 }, "TS per exit" → { method: 'temperature' }.
 * `method` is null when the label names no known method.
 */
export function parseMethodLabel(label: string): { method: MethodId | null; k?: number } {
  let rest = label.trim();
  let k: number | undefined;
  const m = /^k\s*=\s*(\d+)\s*[·:|,-]?\s*(.*)$/i.exec(rest);
  if (m) {
    k = Number(m[1]);
    rest = m[2];
  }
  const key = rest.toLowerCase();
  const method = isMethodId(key) ? key : (LABEL_ALIASES[key] ?? null);
  return k === undefined ? { method } : { method, k };
}

/** What a series says about itself: an explicit method id and k, else its label is parsed. */
export interface StyleKey {
  label: string;
  method?: string;
  k?: number;
}

/**
 * (colour, dash, marker) of one method at one branch count. Colour comes from the method, dash and
 * marker from k; without k the line is solid and the marker is the method's own.
 */
export function methodStyle(method: MethodId, k?: number): SeriesStyle {
  const color = METHOD_COLORS[method];
  if (k === undefined) return { color, dash: 'solid', marker: METHOD_MARKERS[method] };
  if (!Number.isInteger(k) || k < 1)
    throw new ConfigError(`methodStyle: k must be a positive integer device-branch count, got ${k}`);
  const b = BRANCH_STYLES[(k - 1) % BRANCH_STYLES.length];
  return { color, dash: b.dash, marker: b.marker };
}

/**
 * The colour of a method the registry does not know (a user's), derived from its id so that it
 * keeps one colour in every figure: the spare colour its name hashes to, or the next one not yet
 * `taken` in this figure (all taken: the hashed one).
 */
export function spareColor(name: string, taken: ReadonlySet<string> = new Set()): string {
  let h = 2166136261; // FNV-1a
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  const n = SPARE_COLORS.length;
  for (let j = 0; j < n; j++) {
    const c = SPARE_COLORS[(h + j) % n];
    if (!taken.has(c)) return c;
  }
  return SPARE_COLORS[h % n];
}

/**
 * Styles of the series of one figure, in order. Known methods take their registry style; unknown
 * ones a colour derived from their id (`spareColor`; one colour per unknown name), so a user's
 * method looks the same in every figure and no two entries of a figure share a style unless they
 * are the same (method, k).
 */
export function figureStyles(series: readonly StyleKey[]): SeriesStyle[] {
  const spare = new Map<string, string>();
  return series.map((s) => {
    const parsed = parseMethodLabel(s.label);
    const id = s.method ?? parsed.method;
    const k = s.k ?? parsed.k;
    if (id !== null && id !== undefined && isMethodId(id)) return methodStyle(id, k);
    const name =
      id ??
      parseMethodLabel(s.label.replace(/^k\s*=\s*\d+\s*[·:|,-]?\s*/i, '')).method ??
      s.label.replace(/^k\s*=\s*\d+\s*[·:|,-]?\s*/i, '');
    if (!spare.has(name)) spare.set(name, spareColor(name, new Set(spare.values())));
    const color = spare.get(name) as string;
    const b = BRANCH_STYLES[((k ?? 1) - 1) % BRANCH_STYLES.length];
    return { color, dash: k === undefined ? 'longdash' : b.dash, marker: k === undefined ? 'circle-open' : b.marker };
  });
}
