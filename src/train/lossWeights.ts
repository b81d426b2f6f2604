import { ConfigError } from '../errors';

/** How the BranchyNet joint loss Σ wᵢ·CEᵢ weighs the exits. */
export type WeightScheme = 'equal' | 'crescent' | 'decrescent';

function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [b];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/**
 * Loss weights per exit (side branches first, final last).
 *  - equal: all 1 (BranchyNet's reference B-AlexNet, docs/paper-notes.md#training);
 *  - crescent: linspace(0.15, 1) — the authors' later default (docs/paper-notes.md#training), favours deep exits;
 *  - decrescent: linspace(1, 0.3) — favours early exits;
 *  - or an explicit comma list "0.3,0.3,1".
 */
export function lossWeights(spec: WeightScheme | string, numExits: number): number[] {
  if (spec === 'equal') return Array(numExits).fill(1);
  if (spec === 'crescent') return linspace(0.15, 1, numExits);
  if (spec === 'decrescent') return linspace(1, 0.3, numExits);
  const parts = spec.split(',').map((s) => Number(s.trim()));
  if (parts.length !== numExits || parts.some((w) => !Number.isFinite(w) || w < 0)) {
    throw new ConfigError(
      `loss weights "${spec}": expected equal | crescent | decrescent or ${numExits} non-negative numbers separated by commas`,
    );
  }
  // All zero: the joint loss is 0 whatever the weights, so Adam never moves them.
  if (parts.every((w) => w === 0))
    throw new ConfigError(
      `loss weights "${spec}": all zero, so nothing would be trained; expected at least one weight > 0`,
    );
  return parts;
}
