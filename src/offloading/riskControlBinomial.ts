/**
 * Exact binomial tails for the risk-controlled threshold and for Monte-Carlo intervals: pure
 * arithmetic, no dependencies. Sums run in log space so (1 − p)^n never underflows at n = 10⁴.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ≈ 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln P(Bin(n, p) = k). */
function logPmf(k: number, n: number, p: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/**
 * P(Bin(n, p) ≤ k) for integers 0 ≤ k, n ≥ 0 and p ∈ [0, 1]: the terms are summed downward from
 * k (largest first when k is below the mean, where this is used) relative to the k-th term.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  if (k > n * p) return 1 - binomialSf(k, n, p);
  const top = logPmf(k, n, p);
  // pmf(j − 1) / pmf(j) = j (1 − p) / ((n − j + 1) p)
  const ratio = (1 - p) / p;
  let term = 1;
  let sum = 1;
  for (let j = k; j > 0; j--) {
    term *= (j * ratio) / (n - j + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.min(1, Math.exp(top + Math.log(sum)));
}

/** P(Bin(n, p) > k), summed upward from k + 1 (used when k is above the mean). */
function binomialSf(k: number, n: number, p: number): number {
  const first = k + 1;
  const top = logPmf(first, n, p);
  const ratio = p / (1 - p);
  let term = 1;
  let sum = 1;
  for (let j = first; j < n; j++) {
    term *= ((n - j) * ratio) / (j + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.min(1, Math.exp(top + Math.log(sum)));
}

/**
 * Clopper–Pearson interval for a binomial proportion x / n at `level` (two-sided, equal tails):
 * the p where P(Bin(n, p) ≥ x) = (1 − level)/2 and P(Bin(n, p) ≤ x) = (1 − level)/2, by bisection.
 */
export function clopperPearson(x: number, n: number, level = 0.95): [number, number] {
  if (n <= 0) return [0, 1];
  const a = (1 - level) / 2;
  const solve = (f: (p: number) => number): number => {
    // f is increasing in p; find f(p) = a.
    let lo = 0;
    let hi = 1;
    for (let it = 0; it < 200 && hi - lo > 1e-15; it++) {
      const mid = (lo + hi) / 2;
      if (f(mid) < a) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const low = x === 0 ? 0 : solve((p) => 1 - binomialCdf(x - 1, n, p));
  const high = x === n ? 1 : solve((p) => -binomialCdf(x, n, p) + 2 * a);
  return [low, high];
}
