/*
 * Adam's update over flat float32 arrays, for the main thread of a replica training step: the same
 * float32 operations in the same order as tfjs's AdamOptimizer, so the result is bit-identical to
 * it. That needs every operation rounded to float32 on its own: the build passes -ffp-contract=off
 * (no fused multiply-add) and never -ffast-math; division and square root are IEEE-exact in every
 * vector width, so the compiler may vectorize the loop freely.
 */
#include <math.h>
#include "eecal_native.h"

static inline void adamLoop(float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
                            int64_t n, const AdamConstants *k, int decay) {
  const float b1 = k->beta1, b2 = k->beta2, omb1 = k->oneMinusBeta1, omb2 = k->oneMinusBeta2;
  const float c1 = k->biasCorrection1, c2 = k->biasCorrection2, eps = k->epsilon, nlr = k->negLearningRate, wd = k->weightDecay;
  for (int64_t j = 0; j < n; j++) {
    const float wj = w[j];
    /* tf.add(g, tf.mul(W, weightDecay)): the L2 term's gradient, added before Adam sees it. */
    const float gj = decay ? g[j] + wj * wd : g[j];
    const float mj = m[j] * b1 + gj * omb1;
    const float vj = v[j] * b2 + (gj * gj) * omb2;
    m[j] = mj;
    v[j] = vj;
    const float mHat = mj / c1, vHat = vj / c2;
    w[j] = (mHat / (sqrtf(vHat) + eps)) * nlr + wj;
  }
}

void adamUpdate(float *w, const float *g, float *m, float *v, int64_t n, const AdamConstants *k) {
  /* Two instances, so the per-element test of `decay` is not in the loop. */
  if (k->decay) adamLoop(w, g, m, v, n, k, 1);
  else adamLoop(w, g, m, v, n, k, 0);
}
