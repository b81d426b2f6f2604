import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The golden values of scripts/reference_calibration.py (numpy / scipy / torch / sklearn),
 * committed as test/fixtures/calibration/reference.json. Found by walking up to the folder
 * holding package.json, so it works from test/ under tsx and from dist/test/ after tsc.
 */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const REFERENCE_PATH = path.join(repoRoot(), 'test', 'fixtures', 'calibration', 'reference.json');

export interface Reference {
  numClasses: number;
  logits: number[];
  labels: number[];
  testLogits: number[];
  testLabels: number[];
  temperature: {
    grid: number;
    brent: number;
    nllAt1: number;
    nllAtOptimum: number;
    torchLbfgs50Float32: number;
    torchLbfgs50Float64: number;
    torchLbfgs200Float64: number;
  };
  metrics: {
    accuracy: number;
    eceGuo: number;
    eceGuoAtOptimum: number;
    ece: number;
    rmsce: number;
    mce: number;
    table: Array<{ lo: number; hi: number; count: number; meanConfidence: number; accuracy: number }>;
    eceEqualMass: number;
    equalMassEdges: number[];
    debiasedL2Top: number;
    debiasedL2Marginal: number;
    classwiseEce: number;
    adaptiveEce: number;
    smoothEce: number;
    smoothEceSigma: number;
    smoothEceAtOptimum: number;
    brier: number;
    brierDecomposition: Record<string, number>;
    nll: number;
  };
  isotonic: { x: number[]; y: number[]; testConfidence: number[]; testPrediction: number[] };
  platt: { a: number; b: number };
  beta: { a: number; b: number; m: number };
  histogram: { edges: number[]; values: number[] };
  vector: { loss: number; probabilities: number[] };
  matrix: { lambda: number; mu: number; loss: number; probabilities: number[] };
}

let cached: Reference | null = null;

/** The parsed fixture (read once). */
export function reference(): Reference {
  cached ??= JSON.parse(fs.readFileSync(REFERENCE_PATH, 'utf8')) as Reference;
  return cached;
}

/** Validation and test data of the fixture as typed arrays. */
export function referenceData(): { C: number; z: Float64Array; y: Int32Array; zTest: Float64Array; yTest: Int32Array } {
  const r = reference();
  return {
    C: r.numClasses,
    z: Float64Array.from(r.logits),
    y: Int32Array.from(r.labels),
    zTest: Float64Array.from(r.testLogits),
    yTest: Int32Array.from(r.testLabels),
  };
}

/** |a − b| ≤ tol·max(1, |b|). */
export function near(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

/** Largest absolute elementwise difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
