/**
 * Planted-truth model folders for checking the verdicts end to end: records whose every exit is
 * perfectly calibrated (labels drawn from the softmax of the logits), and the same logits sharpened
 * ×2.5 (every exit overconfident by a known factor). `eecal reproduce` on the first must support no
 * calibration claim; on the second it must support "uncalibrated below p_tar" and the outage claim.
 *
 *   npx tsx scripts/planted-truth.ts [--out DIR] [--val N] [--test N] [--seed S]
 *
 * writes DIR/planted-calibrated/records/{val,test}.csv and DIR/planted-sharpened/records/… (+ sidecars).
 */
import * as path from 'node:path';
import { plantedRecords } from '../test/study/plantedRecords';
import { writeRecords } from '../src/records/csv';

/** Sizes and seed of the planted records. */
export interface PlantedFolderOptions {
  numVal: number;
  numTest: number;
  seed: number;
}

/** The sharpening factor of the overconfident folder (TS should recover T ≈ 2.5). */
export const PLANTED_SHARPEN = 2.5;

/**
 * Write both model folders under `outDir`; the same seeds give the same labels and (before
 * sharpening) the same logits in both, so the two differ only in calibration.
 * @returns the two folder paths.
 */
export function writePlantedFolders(
  outDir: string,
  o: PlantedFolderOptions,
): { calibrated: string; sharpened: string } {
  const dirs = {
    calibrated: path.join(outDir, 'planted-calibrated'),
    sharpened: path.join(outDir, 'planted-sharpened'),
  };
  for (const [which, sharpen] of [
    ['calibrated', 1],
    ['sharpened', PLANTED_SHARPEN],
  ] as const) {
    writeRecords(
      path.join(dirs[which], 'records', 'val.csv'),
      plantedRecords({ numSamples: o.numVal, seed: o.seed, sharpen, split: 'val' }),
    );
    writeRecords(
      path.join(dirs[which], 'records', 'test.csv'),
      plantedRecords({ numSamples: o.numTest, seed: o.seed + 1, sharpen, split: 'test' }),
    );
  }
  return dirs;
}

function main(argv: string[]): void {
  const opt = (name: string, dflt: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
  };
  const num = (name: string, dflt: number) => {
    const v = Number(opt(name, String(dflt)));
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} ${opt(name, '')}: expected a positive integer`);
    return v;
  };
  const dirs = writePlantedFolders(opt('out', 'planted'), {
    numVal: num('val', 5000),
    numTest: num('test', 10000),
    seed: num('seed', 1),
  });
  console.log(
    `wrote ${dirs.calibrated} and ${dirs.sharpened}; run e.g. eecal reproduce --model ${dirs.sharpened} --no-images`,
  );
}

if (require.main === module) main(process.argv.slice(2));
