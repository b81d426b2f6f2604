import * as fs from 'node:fs';
import { ConfigError } from '../errors';
import { validateRiskDecision, type RiskDecisionFile } from '../offloading/riskDecisionFile';

/** Read and check a decision file from `eecal threshold --out` (a one-line ConfigError names the file and field). */
export function readRiskDecision(file: string): RiskDecisionFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `--decision ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new ConfigError(`--decision ${file}: not valid JSON`);
  }
  try {
    return validateRiskDecision(obj);
  } catch (err) {
    throw new ConfigError(`--decision ${file}: ${(err as Error).message}`);
  }
}

/**
 * The p_tar grid a decision file stands for (its one threshold), checked against the command's
 * other flags: --p-tar cannot be given too, --edge-exits must match the k it was certified for,
 * --calibration must be given exactly when it was certified on calibrated confidences, and a
 * file that certifies nothing is refused.
 */
export function decisionPTar(
  file: string,
  pTarGiven: boolean,
  edgeExitsRaw: string | undefined,
  calibrationGiven: boolean,
): { grid: number[]; edgeExits: string } {
  const d = readRiskDecision(file);
  const certifiedOn = d.provenance.calibration;
  if (certifiedOn !== null && !calibrationGiven)
    throw new ConfigError(
      `--decision ${file} was certified on calibrated confidences (${certifiedOn}): pass --calibration with that file`,
    );
  if (certifiedOn === null && calibrationGiven)
    throw new ConfigError(`--decision ${file} was certified on uncalibrated confidences: drop --calibration`);
  if (pTarGiven)
    throw new ConfigError(`--decision ${file} and --p-tar are exclusive (the decision file holds the threshold)`);
  if (edgeExitsRaw !== undefined && Number(edgeExitsRaw) !== d.k)
    throw new ConfigError(`--edge-exits ${edgeExitsRaw}: the decision file ${file} was certified for k = ${d.k}`);
  if (d.threshold === null)
    throw new ConfigError(`--decision ${file}: no threshold could be certified (threshold: null); nothing to evaluate`);
  return { grid: [d.threshold], edgeExits: String(d.k) };
}
