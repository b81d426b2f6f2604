import type { Claim } from '../study/offloadingClaims';
import type { DeltaEstimate } from '../study/stats/deltaVerdict';
import { parseClaimId } from '../study/claimId';
import { fmtPp } from '../util/tableFormat';
import { holdsByConstruction } from './claimText';

/** Short names of the claim topics (rows of the verdict table). */
const TOPICS: Readonly<Record<string, string>> = {
  'uncalibrated-below-target': 'uncalibrated device misses p_tar',
  'calibrated-tracks-target': 'calibrated device meets p_tar',
  'offloading-probability': 'calibration raises P_off',
  outage: 'calibration lowers outage',
  'missed-deadline': 'calibration lowers missed deadlines',
  'second-side-branch': 'a second side branch offloads less',
};

/** How one verdict of the table is reached, stated once above it. */
export const VERDICT_RULE =
  'Each cell is one claim for one method: its verdict over the pre-registered p_tar points, and the estimate that decided it (Δ or gap with its interval). ' +
  "Each point's verdict is read from its interval, whose level Holm's step-down sets (1 − α/m for every point at first, then 1 − α/(m − j) once j points are decided that way, separately for supported and contradicted; family-wise α): supported where it lies beyond the minimum effect in the claimed direction, contradicted where it lies on the other side of 0. " +
  '**supported**: some point supported and none contradicted; **contradicted**: the mirror case; **inconclusive**: otherwise. ' +
  '"The uncalibrated device misses p_tar" is existential: supported when it misses significantly at some point, whatever the others show; contradicted only when it exceeds p_tar significantly at every point. ' +
  '"Meets p_tar" uses two simultaneous bands over the grid (each at 1 − α/2, so together at ≥ 1 − α) and counts only where the uncalibrated device significantly misses p_tar. ' +
  'A verdict marked † holds by construction and is not evidence.';

/** The estimate that decided a claim's verdict: the first judged point that has the claim's verdict, else the first judged point, else the first. */
export function decidingEstimate(c: Claim): DeltaEstimate | null {
  const judged = c.estimates.filter((e) => e.verdict !== null);
  return judged.find((e) => e.verdict === c.verdict) ?? judged[0] ?? c.estimates[0] ?? null;
}

function estimateText(e: DeltaEstimate | null): string {
  if (!e) return '';
  return `${e.at === null ? '' : `p_tar ${e.at.toFixed(2)}: `}${fmtPp(e.estimate)} [${fmtPp(e.low)}, ${fmtPp(e.high)}]`;
}

/**
 * Verdicts as one table: a row per claim (topic and k), a column per judged method, each cell
 * "verdict · deciding estimate". Methods are given as id and label (column order); claims of
 * other methods are left out.
 */
export function verdictTable(
  claims: readonly Claim[],
  methods: ReadonlyArray<{ id: string; label: string }>,
): Array<Record<string, string>> {
  const rows = new Map<string, Record<string, string>>();
  for (const c of claims) {
    const id = parseClaimId(c.id);
    const m = id && methods.find((x) => x.id === id.method);
    if (!id || !m) continue;
    const key = `${id.k ?? ''}|${id.topic}`;
    const row = rows.get(key) ?? {
      claim: TOPICS[id.topic] ?? id.topic,
      k: id.k === null ? 'k = 2 vs 1' : `k = ${id.k}`,
    };
    row[m.label] = `${c.verdict}${holdsByConstruction(c) ? ' †' : ''} · ${estimateText(decidingEstimate(c))}`;
    rows.set(key, row);
  }
  return [...rows.values()];
}
