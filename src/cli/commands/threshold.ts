import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { Command } from '../main';
import { gridOption, numberOption, parseCommandArgs, requiredOption } from '../args';
import { ConfigError } from '../../errors';
import { readRecords } from '../../records/csv';
import { readCalibrationFile } from '../../calibration/calibrationFile';
import { scoreRecords } from '../../calibration/applyCalibration';
import { defaultRiskGrid, riskControlThreshold, type RiskControlResult } from '../../offloading/riskControl';
import { riskDecisionOf } from '../../offloading/riskDecisionFile';
import { writeJsonAtomic } from '../../util/atomicWrite';
import { packageVersion } from '../../version';

const HELP = `usage: eecal threshold --records val.csv [--calibration FILE] --edge-exits K --target 0.9 --delta 0.05
                       [--grid 0.5:0.99:0.01] [--ordering-fraction 0.25] [--seed S] [--json] [--out decision.json]

A device threshold with a distribution-free guarantee: for samples exchangeable with the validation
records, with probability ≥ 1 − δ over those records, the device's accuracy on the samples it keeps
(those answered at the first of branches 1..K whose confidence ≥ threshold) is at least the target.
Chosen by fixed-sequence testing (Learn-then-Test) over the threshold grid with exact binomial
p-values; a seeded share of the records only orders the sequence (where it starts, then towards
more kept samples), the rest is tested. Printed beside it: the validation P_off at the threshold and
the largest kept share that meets the target on the same records (no guarantee: the price).

  --records FILE.csv        validation exit records (never the test split)
  --calibration FILE.json   confidences from this calibration (default: raw softmax)
  --edge-exits K            device branches, 1…(exits − 1) (required)
  --target A                target accuracy on kept samples, in (0, 1) (required)
  --delta D                 allowed failure probability, in (0, 1) (required)
  --grid GRID               thresholds (start:stop:step or a comma list; default 0.50:0.99:0.01, 0.995, 0.999)
  --ordering-fraction F     share of the records that orders the sequence (default 0.25)
  --seed S                  seed of the ordering split (default 0)
  --json                    JSON: {"threshold": number|null, "target", "delta", "k", "validation", "bestEmpirical", "sequence", …}
  --out FILE                also write a decision file (JSON) that sweep, outage and deadline take as --decision FILE`;

const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** The one-sentence guarantee (or why there is none). */
export function guaranteeSentence(r: RiskControlResult, k: number, n: number): string {
  if (r.threshold === null || !r.chosen) {
    return `No threshold of the grid can be certified: on these ${n} validation records the device (k = ${k}) cannot be shown to reach ${pct(r.target)} accuracy on its kept samples with probability ≥ ${pct(1 - r.delta)}.`;
  }
  return `With probability ≥ ${pct(1 - r.delta)} over these ${n} validation records, a device answering at ${k === 1 ? 'branch 1 when its confidence' : `the first of branches 1..${k} whose confidence`} ≥ ${r.threshold} is at least ${pct(r.target)} accurate on the samples it keeps (for samples exchangeable with the validation records); on validation it offloads ${pct(r.chosen.offloadProbability)} (keeps ${pct(r.chosen.keptShare)}).`;
}

export const thresholdCommand: Command = {
  summary: 'device threshold with a risk-control guarantee (accuracy ≥ target w.p. ≥ 1 − δ)',
  async run(argv) {
    const { values: v } = parseCommandArgs('threshold', argv, {
      records: { type: 'string' },
      calibration: { type: 'string' },
      'edge-exits': { type: 'string' },
      target: { type: 'string' },
      delta: { type: 'string' },
      grid: { type: 'string' },
      'ordering-fraction': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const recordsPath = requiredOption('records', v.records);
    const k = numberOption('edge-exits', v['edge-exits'], undefined, { integer: true, min: 1 });
    const target = numberOption('target', v.target, undefined);
    if (!(target > 0 && target < 1)) throw new ConfigError(`--target ${v.target}: expected a number in (0, 1)`);
    const delta = numberOption('delta', v.delta, undefined);
    if (!(delta > 0 && delta < 1)) throw new ConfigError(`--delta ${v.delta}: expected a number in (0, 1)`);
    const fraction = numberOption('ordering-fraction', v['ordering-fraction'], 0.25);
    if (!(fraction > 0 && fraction < 1))
      throw new ConfigError(`--ordering-fraction ${v['ordering-fraction']}: expected a number in (0, 1)`);
    const seed = numberOption('seed', v.seed, 0, { integer: true });
    const grid = v.grid === undefined ? defaultRiskGrid() : gridOption('grid', v.grid);
    if (grid.some((x) => !(x > 0 && x <= 1)))
      throw new ConfigError(`--grid "${v.grid}": expected thresholds in (0, 1]`);
    for (let j = 1; j < grid.length; j++)
      if (!(grid[j] > grid[j - 1])) throw new ConfigError(`--grid "${v.grid}": expected strictly ascending thresholds`);
    const records = readRecords(recordsPath);
    if (k > records.numExits - 1)
      throw new ConfigError(
        `--edge-exits ${k}: the records have ${records.numExits} exits, so at most ${records.numExits - 1} side branches can be on the device`,
      );
    const calibration = v.calibration ? readCalibrationFile(v.calibration) : undefined;
    const scores = scoreRecords(records, calibration, v.calibration).slice(0, k);
    const r = riskControlThreshold(scores, records.labels, { target, delta, grid, orderingFraction: fraction, seed });
    const sentence = guaranteeSentence(r, k, records.numSamples);
    if (v.out) {
      writeJsonAtomic(
        v.out,
        riskDecisionOf(r, k, {
          records: recordsPath,
          recordsSha256: sha256(recordsPath),
          numSamples: records.numSamples,
          calibration: v.calibration ?? null,
          calibrationSha256: v.calibration ? sha256(v.calibration) : null,
          grid,
          orderingSize: r.orderingSize,
          testingSize: r.testingSize,
          seed,
          eecalVersion: packageVersion(),
        }),
      );
    }
    if (v.json) {
      const out = {
        threshold: r.threshold,
        method: r.method,
        target,
        delta,
        k,
        calibration: v.calibration ?? null,
        validation: r.chosen,
        bestEmpirical: r.bestEmpirical,
        orderingSize: r.orderingSize,
        testingSize: r.testingSize,
        seed,
        sequence: r.sequence,
        guarantee: sentence,
      };
      process.stdout.write(JSON.stringify(out) + '\n');
      return 0;
    }
    const lines = [
      `threshold: ${r.threshold ?? 'none certified'}`,
      `validation P_off at it: ${r.chosen ? pct(r.chosen.offloadProbability) : '—'} (kept ${r.chosen ? pct(r.chosen.keptShare) : '—'}, device accuracy ${r.chosen?.deviceAccuracy != null ? pct(r.chosen.deviceAccuracy) : '—'})`,
      `largest kept share meeting ${pct(target)} on the same records (no guarantee): ${r.bestEmpirical ? `${pct(r.bestEmpirical.keptShare)} at ${r.bestEmpirical.threshold}` : 'none'}`,
      `sequence (tested on ${r.testingSize} records, ordered by ${r.orderingSize}): ${r.sequence.map((s) => `${s.threshold}: p = ${s.pValue.toPrecision(3)}${s.rejected ? '' : ' (stop)'}`).join(', ') || 'empty'}`,
      sentence,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
