/**
 * Seeded pseudo-random numbers. Every random choice in eecal (splits, shuffles, bootstrap,
 * augmentation, outage rounds) takes an explicit `Rng`, so results depend only on the seed:
 * there is no global RNG.
 */

/** A seeded generator whose full state is one 32-bit integer, so it can be checkpointed. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** out[i] = int(n) for i < out.length, in order: the same draws, without a call per draw. */
  fillInts(out: Int32Array, n: number): void;
  /** Standard normal deviate (Box–Muller). */
  normal(): number;
  /** Current internal state; `createRng(0, state)` resumes the exact sequence. */
  state(): number;
}

/**
 * mulberry32: tiny, fast, passes the usual statistical batteries for this use, and its state is a
 * single uint32 (easy to store in a training checkpoint).
 * @param seed - any integer; different seeds give independent-looking streams.
 * @param state - resume from a state returned by `rng.state()` instead of seeding.
 */
export function createRng(seed: number, state?: number): Rng {
  // Mix the seed so that seeds 0, 1, 2 … do not start in correlated states.
  let s = state !== undefined ? state >>> 0 : hashSeed(seed);
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    fillInts: (out: Int32Array, n: number) => {
      // next() inlined: a bootstrap draws n·B integers, and the call was most of their cost.
      let t: number;
      for (let i = 0; i < out.length; i++) {
        s = (s + 0x6d2b79f5) >>> 0;
        t = s;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        out[i] = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
      }
    },
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    state: () => s,
  };
}

/** Derive a well-mixed 32-bit state from an integer seed (splitmix32 finaliser). */
export function hashSeed(seed: number): number {
  let z = (Math.trunc(seed) + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Fisher–Yates shuffle of `arr` in place; returns `arr`. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(arr: T, rng: Rng): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = arr[i];
    arr[i] = arr[j];
    arr[j] = tmp;
  }
  return arr;
}

/** A random permutation of 0 … n−1 as an Int32Array. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, rng);
}
