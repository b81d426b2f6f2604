import { plantedRecords } from './plantedRecords';
import { defaultConfig } from '../../src/study/config';
import { calibrationStudy } from '../../src/study/calibrationStudy';
import { calibrationOps } from '../../src/study/calibrationOps';
import { offloadingStudy } from '../../src/study/offloadingStudy';
import { studyClaims } from '../../src/study/analysis';
import type { ClaimMethod } from '../../src/study/methodRefits';

/** What the users of {@link plantedClaims} vary. */
export interface PlantedClaimsOptions {
  /** Overconfidence planted in every exit: temperature scaling recovers T = sharpen. */
  sharpen: number;
  /** Rounds of the batch protocol in the offloading study (fewer: faster). */
  rounds: number;
  /** Names of the three exits (labels only). */
  exitNames: string[];
  /** The calibration methods whose claims are judged; studyClaims' own choice when absent. */
  methods?: readonly ClaimMethod[];
}

/**
 * The claims of a small study on planted records (400 validation and 600 test samples, 3 exits,
 * 10 classes, perfectly calibrated logits times `sharpen`): temperature scaling at p_tar = 0.8,
 * the offloading study without outage, deadline or bands, and 120 verdict replicates: real claims
 * in seconds.
 */
export function plantedClaims(o: PlantedClaimsOptions) {
  const val = plantedRecords({ numSamples: 400, seed: 1, sharpen: o.sharpen, split: 'val' });
  const test = plantedRecords({ numSamples: 600, seed: 2, sharpen: o.sharpen });
  const cfg = defaultConfig();
  cfg.batches.rounds = o.rounds;
  cfg.verdicts = { floorSimulations: 20 };
  const calibration = calibrationStudy(val, test, calibrationOps, {
    methods: ['temperature'],
    pTar: 0.8,
    bins: 15,
    exitNames: o.exitNames,
  });
  const offloading = offloadingStudy(test, calibration.methods, cfg, { outage: false, deadline: false, bands: false });
  const claims = studyClaims(val, test, calibration, offloading, cfg, 120, o.methods);
  return { val, test, calibration, claims };
}
