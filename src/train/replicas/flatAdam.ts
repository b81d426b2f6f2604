import * as tf from '@tensorflow/tfjs';
import type { WeightLayout } from './weightLayout';
import type { NativeBlas } from '../../backend/nativeBlas';

/** The fields of tfjs's AdamOptimizer this mirror reads and writes (tfjs keeps them private). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  iterations_?: number;
}

const f = Math.fround;

/**
 * tfjs's Adam as one pass over flat Float32Arrays: the replicas' summed gradient arrives flat, and
 * applying it through tfjs cost ~15 tensor ops per variable on the main thread while the workers
 * waited. Each element goes through the same float32 operations in the same order as tfjs's
 * AdamOptimizer (every intermediate rounded to float32, constants as float32 scalars), so the
 * weights and moments are bit-for-bit those tfjs computes.
 *
 * The tfjs optimizer stays the state of record for checkpoints: the mirror reads its moments, β
 * products and iteration count on creation, and `writeBack` stores its own into it, in the format
 * `getWeights` saves (moment i named `<variable>/m`, `<variable>/v`, in trainable-weight order).
 */
export class FlatAdam {
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** β₁ᵗ⁺¹ and β₂ᵗ⁺¹ as float32 running products, exactly as tfjs multiplies them each step. */
  private accBeta1: number;
  private accBeta2: number;
  private iterations: number;
  /** Adam's constants of a step, rounded to float32 as tfjs rounds them (the native kernel's layout). */
  private readonly constants = new Float32Array(9);
  private readonly native: NativeBlas['adamUpdate'] | null;

  /** `native`: the native kernels, whose adamUpdate (when this build has it) runs the loop vectorized. */
  constructor(
    private readonly optimizer: tf.Optimizer,
    private readonly vars: tf.Variable[],
    private readonly layout: WeightLayout,
    native: NativeBlas | null = null,
  ) {
    this.native = native?.adamUpdate ? native.adamUpdate.bind(native) : null;
    const o = optimizer as unknown as AdamInternals;
    this.m = new Float32Array(layout.total);
    this.v = new Float32Array(layout.total);
    this.accBeta1 = o.accBeta1.dataSync()[0];
    this.accBeta2 = o.accBeta2.dataSync()[0];
    this.iterations = o.iterations_ ?? 0;
    layout.offsets.forEach((off, i) => {
      const m = o.accumulatedFirstMoment[i]?.variable;
      const v = o.accumulatedSecondMoment[i]?.variable;
      if (m) this.m.set(m.dataSync() as Float32Array, off);
      if (v) this.v.set(v.dataSync() as Float32Array, off);
    });
  }

  /** Whether `optimizer` is a tfjs Adam this class can mirror. */
  static mirrors(optimizer: tf.Optimizer): boolean {
    // Not `instanceof`: tfjs's Optimizer answers it for any object with an applyGradients method.
    const o = optimizer as unknown as Partial<AdamInternals>;
    return (
      optimizer.getClassName() === 'Adam' &&
      o.accBeta1 instanceof tf.Variable &&
      Array.isArray(o.accumulatedFirstMoment)
    );
  }

  /**
   * One Adam step in place on `w` with `gradient` (both in layout order); `decayed[i]` adds the L2
   * term weightDecay·W to variable i's gradient first, as tf.add(g, tf.mul(W, weightDecay)) does.
   */
  step(w: Float32Array, gradient: Float32Array, decayed: boolean[], weightDecay: number): void {
    const o = this.optimizer as unknown as AdamInternals;
    const k = this.constants;
    k[0] = o.beta1;
    k[1] = o.beta2;
    k[2] = 1 - o.beta1;
    k[3] = 1 - o.beta2;
    k[4] = 1 - this.accBeta1;
    k[5] = 1 - this.accBeta2;
    k[6] = o.epsilon;
    k[7] = -o.learningRate;
    k[8] = weightDecay;
    const { m, v } = this;
    const { offsets, sizes } = this.layout;
    for (let i = 0; i < offsets.length; i++) {
      const decay = weightDecay > 0 && decayed[i] ? 1 : 0;
      const a = offsets[i],
        b = offsets[i] + sizes[i];
      if (this.native)
        this.native(w.subarray(a, b), gradient.subarray(a, b), m.subarray(a, b), v.subarray(a, b), k, decay);
      else adamRange(w, gradient, m, v, a, b, k, decay);
    }
    const b1 = f(o.beta1),
      b2 = f(o.beta2);
    this.accBeta1 = f(this.accBeta1 * b1);
    this.accBeta2 = f(this.accBeta2 * b2);
    this.iterations++;
  }

  /** Store the moments, β products and iteration count in the tfjs optimizer (before a checkpoint). */
  writeBack(): void {
    const o = this.optimizer as unknown as AdamInternals;
    const { offsets, sizes, shapes } = this.layout;
    const store = (slots: AdamInternals['accumulatedFirstMoment'], from: Float32Array, suffix: string) => {
      offsets.forEach((off, i) => {
        const t = tf.tensor(from.slice(off, off + sizes[i]), shapes[i]);
        const slot = slots[i];
        if (slot) {
          slot.variable.assign(t);
          t.dispose();
        } else {
          slots[i] = { originalName: `${this.vars[i].name}/${suffix}`, variable: t.variable(false) };
          t.dispose();
        }
      });
    };
    store(o.accumulatedFirstMoment, this.m, 'm');
    store(o.accumulatedSecondMoment, this.v, 'v');
    tf.tidy(() => {
      o.accBeta1.assign(tf.scalar(this.accBeta1));
      o.accBeta2.assign(tf.scalar(this.accBeta2));
    });
    o.iterations_ = this.iterations;
  }
}

/**
 * The update of elements [a, b) in JavaScript, for when the native kernels are not built: each
 * operation rounded to float32 (Math.fround) as tfjs's float32 tensors round it.
 */
function adamRange(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  a: number,
  b: number,
  k: Float32Array,
  decay: number,
): void {
  const b1 = k[0],
    b2 = k[1],
    omb1 = k[2],
    omb2 = k[3],
    c1 = k[4],
    c2 = k[5],
    eps = k[6],
    nlr = k[7],
    wd = k[8];
  for (let j = a; j < b; j++) {
    const wj = w[j];
    const gj = decay ? f(g[j] + f(wj * wd)) : g[j];
    const mj = f(f(m[j] * b1) + f(gj * omb1));
    const vj = f(f(v[j] * b2) + f(f(gj * gj) * omb2));
    m[j] = mj;
    v[j] = vj;
    const mHat = f(mj / c1),
      vHat = f(vj / c2);
    w[j] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * nlr) + wj);
  }
}
