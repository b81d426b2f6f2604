import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  intervalVerdict,
  judgePoints,
  type JudgeOptions,
  type PointSample,
} from '../../../src/study/stats/deltaVerdict';
import { holmReject } from '../../../src/study/stats/holm';
import { quantileSorted } from '../../../src/metrics/bootstrap';
import { createRng } from '../../../src/util/rng';

/** Replicates spread evenly over c ± w/2: with B = 1001 the quantile q is exactly c + w·(q − 0.5). */
const even = (c: number, w: number, B = 1001) =>
  Float64Array.from({ length: B }, (_, i) => c + w * (i / (B - 1) - 0.5));

test('margin: an interval beyond the minimum effect is a supported verdict', () => {
  // 974 replicates of Δ at −2 pp and 25 at −0.4 pp (B = 999). The 97.5 % quantile interpolates between
  // sorted[973] = −2 pp and sorted[974] = −0.4 pp at 0.05: −1.92 pp, beyond −0.5 pp. A bootstrap p-value
  // with the +1 correction, 2·(1 + 25)/1000 = 0.052 > 0.05, called this inconclusive under the same interval.
  const reps = Float64Array.from({ length: 999 }, (_, i) => (i < 974 ? -0.02 : -0.004));
  const o: JudgeOptions = { quantity: 'Δ', direction: 'lower', minEffect: 0.005, alpha: 0.05 };
  const j = judgePoints([{ at: 0.7, estimate: -0.015, replicates: reps }], o);
  const e = j.estimates[0];
  assert.ok(Math.abs(e.high! - (-0.02 + 0.05 * 0.016)) < 1e-12, `high ${e.high}`);
  assert.equal(e.level, 0.95);
  assert.equal(e.verdict, 'supported');
  assert.equal(j.verdict, 'supported');
});

test('step-down: each point is shown at the level of its Holm step (hand-computed)', () => {
  // α = 0.05, m = 3, claimed direction 'higher', δ = 0.5 pp. Lower end at level 1 − a: c + w·(a/2 − 0.5).
  // A (c 2 pp, w 2 pp): at a = α/3 the lower end is 1.017 pp > 0.5 → supported at step D = 3.
  // B (c 10.3 pp, w 20 pp): at a = α/3 it is 0.467 pp (not beyond); at a = α/2, 0.55 pp → supported at D = 2.
  // C (c 0, w 2 pp): never beyond δ, never below 0 → inconclusive, shown where neither step-down decides:
  //   the "supported" step-down ended at D = 1, the "contradicted" one at D = 3 → level 1 − α/3.
  const pts: PointSample[] = [
    { at: 0.7, estimate: 0.02, replicates: even(0.02, 0.02) },
    { at: 0.8, estimate: 0.103, replicates: even(0.103, 0.2) },
    { at: 0.9, estimate: 0, replicates: even(0, 0.02) },
  ];
  const o: JudgeOptions = { quantity: 'Δ', direction: 'higher', minEffect: 0.005, alpha: 0.05 };
  const j = judgePoints(pts, o);
  assert.deepEqual(
    j.estimates.map((e) => e.verdict),
    ['supported', 'supported', 'inconclusive'],
  );
  const levels = [1 - 0.05 / 3, 1 - 0.05 / 2, 1 - 0.05 / 3];
  j.estimates.forEach((e, i) => assert.ok(Math.abs(e.level - levels[i]) < 1e-12, `point ${i}: level ${e.level}`));
  assert.ok(Math.abs(j.estimates[1].low! - (0.103 + 0.2 * (0.0125 - 0.5))) < 1e-12);
  assert.equal(j.verdict, 'supported');
  // Bonferroni alone (every point at 1 − α/3) would not have decided B: the step-down is what supports it.
  assert.equal(intervalVerdict(quantileSorted(pts[1].replicates, 0.05 / 6), 1, 'higher', 0.005), 'inconclusive');
});

/** Smallest a at which the point's interval at level 1 − a shows `want` (bisection; 1 when never). */
function invertedP(sorted: Float64Array, want: 'supported' | 'contradicted', o: JudgeOptions): number {
  const shows = (a: number) =>
    intervalVerdict(quantileSorted(sorted, a / 2), quantileSorted(sorted, 1 - a / 2), o.direction, o.minEffect) ===
    want;
  if (!shows(0.999999)) return 1;
  let lo = 0;
  let hi = 0.999999;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (shows(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

test('step-down intervals reject exactly what Holm rejects on the interval p-values, and every verdict reads off its interval', () => {
  const rng = createRng(11);
  let decided = 0;
  for (let trial = 0; trial < 300; trial++) {
    const m = 1 + rng.int(5);
    const o: JudgeOptions = {
      quantity: 'Δ',
      direction: rng.next() < 0.5 ? 'lower' : 'higher',
      minEffect: 0.005,
      alpha: 0.05,
    };
    const pts: PointSample[] = Array.from({ length: m }, (_, j) => {
      const c = (rng.next() - 0.5) * 0.06;
      const sd = 0.002 + rng.next() * 0.01;
      const reps = Float64Array.from({ length: 200 }, () => c + sd * rng.normal());
      return { at: j, estimate: c, replicates: reps };
    });
    const j = judgePoints(pts, o);
    const sorted = pts.map((p) => p.replicates.slice().sort());
    const sup = holmReject(
      sorted.map((s) => invertedP(s, 'supported', o)),
      o.alpha,
    );
    const con = holmReject(
      sorted.map((s) => invertedP(s, 'contradicted', o)),
      o.alpha,
    );
    j.estimates.forEach((e, i) => {
      assert.equal(
        e.verdict,
        sup[i] ? 'supported' : con[i] ? 'contradicted' : 'inconclusive',
        `trial ${trial} point ${i}`,
      );
      assert.equal(
        intervalVerdict(e.low!, e.high!, o.direction, o.minEffect),
        e.verdict,
        `trial ${trial} point ${i}: [${e.low}, ${e.high}]`,
      );
      if (e.verdict !== 'inconclusive') decided++;
    });
  }
  assert.ok(decided > 100, `only ${decided} decided points: the check would be vacuous`);
});
