import type { FloatArray } from '../records/types';
import type { ExitScores } from '../records/scores';
import { ConfigError } from '../errors';

/**
 * Custom confidence scores for the exit rule, written as a formula (`eecal sweep --score EXPR`,
 * notebooks): e.g. `pmax - p2` (margin), `1 - entropy / log(C)` (normalised certainty). The formula
 * is parsed by mathjs, a math-only expression language: no JavaScript, no file or process access
 * (mathjs' import/createUnit/evaluate/parse are disabled), only the variables below and mathjs
 * functions (log, sqrt, max, …). A sample leaves at an exit when its score ≥ the threshold.
 */

/** Per-sample variables a score formula sees (probabilities after calibration, if any). */
export const SCORE_VARIABLES = {
  pmax: "largest class probability (the paper's confidence)",
  p2: 'second largest class probability',
  margin: 'pmax − p2',
  entropy: 'Shannon entropy of the probabilities, nats',
  C: 'number of classes',
  p: 'the probability vector (1-based: p[1] is class 0)',
} as const;

type MathJs = typeof import('mathjs');
let limited: { compile: MathJs['compile']; parse: MathJs['parse']; has: (name: string) => boolean } | null = null;

/** A mathjs instance with everything that could reach beyond arithmetic disabled (mathjs' security guide). */
function mathjs(): NonNullable<typeof limited> {
  if (limited) return limited;
  // Loaded on first use: mathjs takes a moment to load and most commands never need it.
  const { create, all } = require('mathjs') as MathJs;
  const math = create(all);
  const { compile, parse } = math;
  const refuse = (name: string) => () => {
    throw new ConfigError(`score formula: function ${name} is disabled`);
  };
  math.import(
    Object.fromEntries(
      ['import', 'createUnit', 'evaluate', 'parse', 'simplify', 'derivative', 'resolve', 'reviver', 'compile'].map(
        (n) => [n, refuse(n)],
      ),
    ),
    { override: true },
  );
  limited = { compile, parse, has: (name) => typeof (math as unknown as Record<string, unknown>)[name] === 'function' };
  return limited;
}

/** A compiled score formula: variables of one sample → score. */
export type ScoreFunction = (vars: {
  pmax: number;
  p2: number;
  margin: number;
  entropy: number;
  C: number;
  p: number[];
}) => number;

/**
 * Parse and check a score formula. Errors name the formula and what is wrong (an unknown name, an
 * assignment, a syntax error).
 */
export function compileScoreExpression(expr: string): ScoreFunction {
  const m = mathjs();
  let node;
  try {
    node = m.parse(expr);
  } catch (err) {
    throw new ConfigError(`score formula "${expr}": ${(err as Error).message}`, { cause: err });
  }
  node.traverse((n, _path, parent) => {
    if (n.type === 'AssignmentNode' || n.type === 'FunctionAssignmentNode')
      throw new ConfigError(`score formula "${expr}": assignments are not allowed`);
    if (n.type !== 'SymbolNode') return;
    const name = (n as unknown as { name: string }).name;
    const isCall = parent?.type === 'FunctionNode' && (parent as unknown as { fn: unknown }).fn === n;
    if (isCall ? !m.has(name) : !(name in SCORE_VARIABLES)) {
      throw new ConfigError(
        `score formula "${expr}": unknown ${isCall ? 'function' : 'variable'} "${name}"; variables: ${Object.keys(SCORE_VARIABLES).join(', ')}`,
      );
    }
  });
  const code = m.compile(expr);
  return (vars) => Number(code.evaluate(vars));
}

/**
 * Scores of one exit from its (calibrated) probabilities, row-major N×C: confidence = the formula's
 * value per sample, prediction = argmax (first on ties). A non-finite value is an error naming the
 * sample.
 */
export function expressionScores(probs: FloatArray, numClasses: number, expr: string | ScoreFunction): ExitScores {
  const f = typeof expr === 'string' ? compileScoreExpression(expr) : expr;
  const C = numClasses;
  const n = Math.floor(probs.length / C);
  const confidence = new Float64Array(n);
  const prediction = new Int32Array(n);
  const p = new Array<number>(C);
  for (let i = 0; i < n; i++) {
    let arg = 0;
    let pmax = -Infinity;
    let p2 = -Infinity;
    let entropy = 0;
    for (let k = 0; k < C; k++) {
      const v = probs[i * C + k];
      p[k] = v;
      if (v > 0) entropy -= v * Math.log(v);
      if (v > pmax) {
        p2 = pmax;
        pmax = v;
        arg = k;
      } else if (v > p2) p2 = v;
    }
    const score = f({ pmax, p2, margin: pmax - p2, entropy, C, p: p.slice() });
    if (!Number.isFinite(score))
      throw new ConfigError(`score formula: sample ${i} gives ${String(score)} (expected a finite number)`);
    confidence[i] = score;
    prediction[i] = arg;
  }
  return { confidence, prediction };
}
