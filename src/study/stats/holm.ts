/**
 * Holm's step-down procedure: sort the m p-values ascending and reject while p_(i) ≤ α/(m − i)
 * (i = 0, 1, …); stop at the first that fails. Controls the family-wise error rate at α for any
 * dependence between the tests, and rejects everything Bonferroni rejects.
 * The verdicts run this procedure on their intervals (`stepDown` in deltaVerdict.ts); this
 * p-value form is the independent statement of it that those are checked against.
 * @returns per input index, whether its hypothesis is rejected.
 */
export function holmReject(pValues: readonly number[], alpha: number): boolean[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
  const out = new Array<boolean>(m).fill(false);
  for (let r = 0; r < m; r++) {
    const i = order[r];
    if (!(pValues[i] <= alpha / (m - r))) break;
    out[i] = true;
  }
  return out;
}

/** Holm-adjusted p-values: max over ranks ≤ r of (m − rank)·p, capped at 1 (statsmodels 'holm'). */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
  const out = new Array<number>(m);
  let running = 0;
  for (let r = 0; r < m; r++) {
    const i = order[r];
    running = Math.max(running, Math.min(1, (m - r) * pValues[i]));
    out[i] = running;
  }
  return out;
}
