/**
 * The exact cell syntax of a records CSV. `Number()` would accept "", " 3", "+3", "3.0", "1e0",
 * "0x3" and "Infinity" and so turn malformed files into wrong numbers without a word; these
 * grammars accept only what a CSV writer of decimal numbers produces.
 */

/** A label: a non-negative decimal integer, digits only (no sign, space, point, exponent or hex). */
const LABEL_RE = /^[0-9]+$/;

/** A logit: an optionally signed decimal float with optional exponent (no hex, no Infinity/NaN). */
const LOGIT_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * Largest |logit| accepted. Temperatures are bounded below by 1e-3 (see calibration), so z/T stays
 * ≤ 1e33, finite even in float32 (max ≈ 3.4e38); and the temperature fit's second moment
 * Σ p·(z_k − max z)² stays ≤ (2e33)² ≈ 4e66, far from float64 overflow (≈ 1.8e308). Real networks
 * produce logits of magnitude 1e1–1e3, so the bound only rejects broken or adversarial files,
 * which would otherwise make log-sum-exp and its gradients NaN (e.g. logits ±1e308).
 */
export const MAX_ABS_LOGIT = 1e30;

/** The label as an integer, or null when `cell` is not a plain decimal integer. */
export function parseLabelCell(cell: string): number | null {
  if (!LABEL_RE.test(cell)) return null;
  const v = Number(cell);
  return Number.isSafeInteger(v) ? v : null;
}

/** Why a logit cell is rejected, or null when it is fine; `out.value` receives the number. */
export function parseLogitCell(cell: string, out: { value: number }): string | null {
  if (cell === '') return 'is empty (expected a decimal number)';
  if (!LOGIT_RE.test(cell)) {
    return /^[+-]?(nan|inf(inity)?)$/i.test(cell)
      ? 'is not a finite number (NaN/Inf logits cannot be calibrated)'
      : 'is not a decimal number (hex, spaces and other notations are not accepted)';
  }
  const v = Number(cell);
  if (!(Math.abs(v) <= MAX_ABS_LOGIT))
    return `has magnitude above ${MAX_ABS_LOGIT} (softmax/log-sum-exp and the calibration fits are not stable beyond it)`;
  out.value = v;
  return null;
}
