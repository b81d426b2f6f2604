import { ConfigError } from '../errors';

/**
 * Where to put side branches in a backbone, by the fraction of the backbone's compute that runs
 * before them (the authors' `Early_Exit_DNN(distribution=…)`, docs/paper-notes.md#exit-placement):
 *  - linear: branch i (0-based, of B) at the first candidate point whose cumulative MACs reach
 *    total·(i+1)/(B+1) — branches evenly spaced in compute;
 *  - pareto: at total·(1 − 0.8^(i+1)) — branches packed towards the input.
 */
export type PlacementRule = 'linear' | 'pareto';

/** Target cumulative-MAC fractions for B branches under a rule. */
export function placementFractions(rule: PlacementRule, numBranches: number): number[] {
  return Array.from({ length: numBranches }, (_, i) =>
    rule === 'linear' ? (i + 1) / (numBranches + 1) : 1 - Math.pow(0.8, i + 1),
  );
}

/**
 * Choose candidate insertion points for B branches.
 * @param cumulativeMacs - cumulative MACs of the backbone after each candidate point, non-decreasing;
 *   the last value is the backbone total.
 * @returns 0-based candidate indices, strictly increasing (a point is never used twice: a later
 *   branch moves to the next free point).
 */
export function placeExits(cumulativeMacs: readonly number[], numBranches: number, rule: PlacementRule): number[] {
  const n = cumulativeMacs.length;
  if (numBranches < 1 || numBranches > n - 1) {
    throw new ConfigError(`cannot place ${numBranches} branches on ${n} candidate points (need 1 … ${n - 1})`);
  }
  const total = cumulativeMacs[n - 1];
  const chosen: number[] = [];
  let from = 0;
  for (const f of placementFractions(rule, numBranches)) {
    let j = from;
    while (j < n - 1 && cumulativeMacs[j] < total * f) j++;
    // Leave room for the remaining branches and never place a branch at the very end.
    j = Math.min(j, n - 1 - (numBranches - chosen.length));
    chosen.push(j);
    from = j + 1;
  }
  return chosen;
}
