import type { ExitCost, RecordsSidecar } from '../records/types';
import { RecordFormatError } from '../errors';

/**
 * Device-side cost (MACs or milliseconds) of each cascade outcome with k device branches:
 * `exit[j−1]` when the sample is answered at device exit j ≤ k, `offload` when it leaves the device
 * after branch k.
 */
export interface DeviceExitCosts {
  exit: number[];
  offload: number;
}

/**
 * Cost of the cascade outcomes from per-branch trunk and head costs (index j−1 = side branch j):
 *   answered at j:   trunk(j) + Σ_{enabled i ≤ j} head(i)
 *   offloaded:       trunk(k) + Σ_{enabled i ≤ k} head(i)
 * where trunk(j) is the trunk prefix up to branch j's attachment point (cumulative) and head(i) the
 * branch's own layers. Disabled branches cost no head: the paper's device code skips them before
 * evaluating the branch (docs/paper-notes.md#exit-rule, `disabled_branches`).
 */
export function cascadeDeviceCosts(
  trunk: readonly number[],
  head: readonly number[],
  edgeExits: number,
  disabled: ReadonlySet<number> = new Set(),
): DeviceExitCosts {
  const exit: number[] = [];
  let heads = 0;
  for (let j = 1; j <= edgeExits; j++) {
    if (!disabled.has(j)) heads += head[j - 1];
    exit.push(trunk[j - 1] + heads);
  }
  return { exit, offload: exit[edgeExits - 1] };
}

/**
 * The sidecar's per-exit cost list, checked: one entry per exit with finite, non-negative MACs.
 * Returns null when the records have no sidecar costs.
 */
export function sidecarExitCosts(meta: RecordsSidecar | undefined, numExits: number): ExitCost[] | null {
  if (!meta || !Array.isArray(meta.exits)) return null;
  if (meta.exits.length !== numExits) {
    throw new RecordFormatError(
      `records sidecar: "exits" lists ${meta.exits.length} exits, the records have ${numExits}`,
    );
  }
  meta.exits.forEach((c, e) => {
    for (const f of ['macs', 'trunkMacs'] as const) {
      if (!(Number.isFinite(c[f]) && c[f] >= 0)) {
        throw new RecordFormatError(
          `records sidecar: exits[${e}].${f} = ${String(c[f])}, expected a non-negative number`,
        );
      }
    }
  });
  return meta.exits;
}

/**
 * Device MACs per cascade outcome from the sidecar's graph-derived costs: trunk(j) = trunkMacs of
 * branch j, head(j) = macs − trunkMacs (the head alone). Null when the sidecar has no costs.
 */
export function deviceMacsFromSidecar(
  meta: RecordsSidecar | undefined,
  numExits: number,
  edgeExits: number,
  disabled?: ReadonlySet<number>,
): DeviceExitCosts | null {
  const costs = sidecarExitCosts(meta, numExits);
  if (!costs) return null;
  const side = costs.slice(0, numExits - 1);
  return cascadeDeviceCosts(
    side.map((c) => c.trunkMacs),
    side.map((c) => c.macs - c.trunkMacs),
    edgeExits,
    disabled,
  );
}
