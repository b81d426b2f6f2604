/*
 * The hot loops of the bootstrap's smooth ECE (src/metrics/resampledSmoothEce.ts), in C: per
 * resample, the smoothed residual at σ's evaluation points from cosine modes and from dense weight
 * rows; per bandwidth σ, the kernel's cosine gains and every grid node's column mass.
 * Each output (an evaluation point, a mode, a node) sums its own terms, so the loops run across
 * outputs (eight per AVX-512 instruction where the CPU has it) while every output adds the same
 * products in the same order as the JavaScript loop does: the build passes -ffp-contract=off (no
 * fused multiply-add) and no -ffast-math, so nothing reassociates an output's sum. Totals over
 * outputs (Σ_k |·|) are one scalar sum in order, as in JavaScript. The results are therefore the
 * JavaScript loops' bits, and `metrics --bootstrap` prints the same numbers with or without the addon.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "eecal_native.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define EECAL_SMOOTH_AVX512 1
#define AVX512 __attribute__((target("avx512f")))
#endif

/* Σ_k |v[k]| in k order. */
static double absTotal(const double *v, int64_t E) {
  double total = 0;
  for (int64_t k = 0; k < E; k++) total += fabs(v[k]);
  return total;
}

/*
 * acc[k] += Σ_{m=from}^{to−1} spec[m]·phi[m·E + k], four modes per pass from `from` (as
 * resampledSmoothEce's addModes groups them), then the rest one at a time.
 */
#define MODE_LOOPS(acc, spec, phi, E, from, to)                                                        \
  do {                                                                                                 \
    int64_t m = (from);                                                                                \
    for (; m + 3 < (to); m += 4) {                                                                     \
      const double a0 = (spec)[m], a1 = (spec)[m + 1], a2 = (spec)[m + 2], a3 = (spec)[m + 3];         \
      const double *restrict p0 = (phi) + m * (E), *restrict p1 = p0 + (E), *restrict p2 = p1 + (E),   \
                             *restrict p3 = p2 + (E);                                                  \
      for (int64_t k = 0; k < (E); k++) (acc)[k] = (acc)[k] + a0 * p0[k] + a1 * p1[k] + a2 * p2[k] + a3 * p3[k]; \
    }                                                                                                  \
    for (; m < (to); m++) {                                                                            \
      const double a = (spec)[m];                                                                      \
      const double *restrict p = (phi) + m * (E);                                                      \
      for (int64_t k = 0; k < (E); k++) (acc)[k] += a * p[k];                                          \
    }                                                                                                  \
  } while (0)

static void modesScalar(double *restrict acc, const double *restrict spec, const double *restrict phi, int64_t E, int64_t from,
                        int64_t to) {
  MODE_LOOPS(acc, spec, phi, E, from, to);
}

/*
 * sum[k] = Σ_r num[c_r]·row(c_r)[k] over the nonzero cells c_r, four cells per pass over the union
 * of their bands (outside its band a row is exactly 0), then the rest one at a time.
 */
#define DENSE_LOOPS(sum, num, nz, nonzero, cells, off, lo, hi, rows)                                   \
  do {                                                                                                 \
    int64_t r = 0;                                                                                     \
    for (; r + 3 < (nonzero); r += 4) {                                                                \
      const int32_t c0 = (nz)[r], c1 = (nz)[r + 1], c2 = (nz)[r + 2], c3 = (nz)[r + 3];                \
      const int32_t u0 = (cells)[c0], u1 = (cells)[c1], u2 = (cells)[c2], u3 = (cells)[c3];            \
      const double a0 = (num)[c0], a1 = (num)[c1], a2 = (num)[c2], a3 = (num)[c3];                     \
      const double *restrict w0 = (rows) + (off)[u0], *restrict w1 = (rows) + (off)[u1],               \
                             *restrict w2 = (rows) + (off)[u2], *restrict w3 = (rows) + (off)[u3];     \
      int32_t l = (lo)[u0], h = (hi)[u0];                                                              \
      if ((lo)[u1] < l) l = (lo)[u1];                                                                  \
      if ((lo)[u2] < l) l = (lo)[u2];                                                                  \
      if ((lo)[u3] < l) l = (lo)[u3];                                                                  \
      if ((hi)[u1] > h) h = (hi)[u1];                                                                  \
      if ((hi)[u2] > h) h = (hi)[u2];                                                                  \
      if ((hi)[u3] > h) h = (hi)[u3];                                                                  \
      for (int64_t k = l; k < h; k++) (sum)[k] = (sum)[k] + a0 * w0[k] + a1 * w1[k] + a2 * w2[k] + a3 * w3[k]; \
    }                                                                                                  \
    for (; r < (nonzero); r++) {                                                                       \
      const int32_t c = (nz)[r], u = (cells)[c];                                                       \
      const double a = (num)[c];                                                                       \
      const double *restrict w = (rows) + (off)[u];                                                    \
      for (int64_t k = (lo)[u]; k < (hi)[u]; k++) (sum)[k] += a * w[k];                                \
    }                                                                                                  \
  } while (0)

static void denseScalar(double *restrict sum, const double *restrict num, const int32_t *nz, int64_t nonzero, const int32_t *cells,
                        const int32_t *off, const int32_t *lo, const int32_t *hi, const double *restrict rows) {
  DENSE_LOOPS(sum, num, nz, nonzero, cells, off, lo, hi, rows);
}

/*
 * spec[m] = Σ_r num[c_r]·tab[c_r·cap + m] for from ≤ m < to, each mode's sum over r in order from
 * +0 (the cell-major table makes the modes of one cell contiguous).
 */
#define SPEC_LOOPS(spec, num, nz, nonzero, tab, cap, from, to)                                         \
  do {                                                                                                 \
    for (int64_t m = (from); m < (to); m++) (spec)[m] = 0;                                             \
    for (int64_t r = 0; r < (nonzero); r++) {                                                          \
      const int32_t c = (nz)[r];                                                                       \
      const double a = (num)[c];                                                                       \
      const double *restrict t = (tab) + (int64_t)c * (cap);                                           \
      for (int64_t m = (from); m < (to); m++) (spec)[m] += a * t[m];                                   \
    }                                                                                                  \
  } while (0)

static void specScalar(double *restrict spec, const double *restrict num, const int32_t *nz, int64_t nonzero,
                       const double *restrict tab, int64_t cap, int64_t from, int64_t to) {
  SPEC_LOOPS(spec, num, nz, nonzero, tab, cap, from, to);
}

#ifdef EECAL_SMOOTH_AVX512
static int smoothAvx512Usable(void) {
  static _Atomic int usable = -1; /* decided once; every thread decides the same */
  int u = usable;
  if (u < 0) {
    __builtin_cpu_init();
    u = __builtin_cpu_supports("avx512f");
    usable = u;
  }
  return u;
}

static AVX512 void modesAvx512(double *restrict acc, const double *restrict spec, const double *restrict phi, int64_t E,
                               int64_t from, int64_t to) {
  MODE_LOOPS(acc, spec, phi, E, from, to);
}

static AVX512 void denseAvx512(double *restrict sum, const double *restrict num, const int32_t *nz, int64_t nonzero,
                               const int32_t *cells, const int32_t *off, const int32_t *lo, const int32_t *hi,
                               const double *restrict rows) {
  DENSE_LOOPS(sum, num, nz, nonzero, cells, off, lo, hi, rows);
}
#endif

#ifdef EECAL_SMOOTH_AVX512
static AVX512 void specAvx512(double *restrict spec, const double *restrict num, const int32_t *nz, int64_t nonzero,
                              const double *restrict tab, int64_t cap, int64_t from, int64_t to) {
  SPEC_LOOPS(spec, num, nz, nonzero, tab, cap, from, to);
}
#endif

void smoothSpecCoefficients(double *spec, const double *num, const int32_t *nonzeroCells, int64_t nonzero, const double *tab,
                            int64_t cap, int64_t from, int64_t to, int scalarOnly) {
#ifdef EECAL_SMOOTH_AVX512
  if (!scalarOnly && smoothAvx512Usable()) specAvx512(spec, num, nonzeroCells, nonzero, tab, cap, from, to);
  else specScalar(spec, num, nonzeroCells, nonzero, tab, cap, from, to);
#else
  (void)scalarOnly;
  specScalar(spec, num, nonzeroCells, nonzero, tab, cap, from, to);
#endif
}

double smoothModeSum(double *acc, const double *spec, const double *phi, int64_t E, int64_t from, int64_t to, int scalarOnly) {
#ifdef EECAL_SMOOTH_AVX512
  if (!scalarOnly && smoothAvx512Usable()) modesAvx512(acc, spec, phi, E, from, to);
  else modesScalar(acc, spec, phi, E, from, to);
#else
  (void)scalarOnly;
  modesScalar(acc, spec, phi, E, from, to);
#endif
  return absTotal(acc, E);
}

double smoothDenseSum(double *sum, const double *num, const int32_t *nonzeroCells, int64_t nonzero, const int32_t *cells,
                      const int32_t *rowOffset, const int32_t *rowLo, const int32_t *rowHi, const double *rows, int64_t E,
                      int scalarOnly) {
  for (int64_t k = 0; k < E; k++) sum[k] = 0;
#ifdef EECAL_SMOOTH_AVX512
  if (!scalarOnly && smoothAvx512Usable())
    denseAvx512(sum, num, nonzeroCells, nonzero, cells, rowOffset, rowLo, rowHi, rows);
  else denseScalar(sum, num, nonzeroCells, nonzero, cells, rowOffset, rowLo, rowHi, rows);
#else
  (void)scalarOnly;
  denseScalar(sum, num, nonzeroCells, nonzero, cells, rowOffset, rowLo, rowHi, rows);
#endif
  return absTotal(sum, E);
}

/*
 * gain[m] = (ω_m / 2L)·(hs[0] + Σ_{d=1}^{reach} h2[d]·cosL[m·d mod 2L]) for m = 0…L, ω = 1 at 0 and L,
 * 2 inside; each mode's sum over d in order with j = m·d mod 2L stepped (m ≤ L, so one subtraction).
 */
static void gainsScalar(const double *hs, const double *h2, const double *cosL, int64_t reach, int64_t L, double *gain, int64_t m0) {
  const int64_t P = 2 * L;
  for (int64_t m = m0; m <= L; m++) {
    double s = hs[0];
    int64_t j = 0;
    for (int64_t d = 1; d <= reach; d++) {
      j += m;
      if (j >= P) j -= P;
      s += h2[d] * cosL[j];
    }
    gain[m] = ((m == 0 || m == L) ? 1.0 : 2.0) / (double)P * s;
  }
}

/*
 * colMass[u] = Σ_i rho[i]·coef(i, u) for every node u < G, coef's three taps as three sums over i
 * in order (directly, mirrored at 0 for u > 0, mirrored at G−1 for u < G−1), added in that order.
 * kp is the kernel padded with G zeros on each side: every product outside a tap's range is
 * rho·0 or 0·ker = ±0 (rho may be a rounding below 0), and adding ±0 leaves a sum unchanged
 * unless the sum is −0, which these sums, starting at +0, never are (x + y is −0 only when both are
 * −0). So summing the padded range gives what the JavaScript loop (which visits only rho ≠ 0
 * inside the kernel's nonzero taps) gives.
 */
static double tapScalar(const double *rho, const double *kp, int64_t G, int64_t offset, int64_t from, int64_t to) {
  double v = 0;
  for (int64_t i = from; i <= to; i++) v += rho[i] * kp[i + offset + G];
  return v;
}

static void massesScalar(const double *kp, const double *rho, int64_t G, int64_t jLo, int64_t jHi, double *out, int64_t u0) {
  const int64_t last = G - 1, half = G / 2;
  for (int64_t u = u0; u < G; u++) {
    int64_t off = half - u;
    double v = tapScalar(rho, kp, G, off, jLo - off > 0 ? jLo - off : 0, jHi - off < last ? jHi - off : last);
    if (u > 0) {
      off = half + u;
      v += tapScalar(rho, kp, G, off, jLo - off > 0 ? jLo - off : 0, jHi - off < last ? jHi - off : last);
    }
    if (u < last) {
      off = half - 2 * last + u;
      v += tapScalar(rho, kp, G, off, jLo - off > 0 ? jLo - off : 0, jHi - off < last ? jHi - off : last);
    }
    out[u] = v;
  }
}

#ifdef EECAL_SMOOTH_AVX512
/*
 * Thirty-two modes per pass (four independent groups of eight, so the gathers' latency overlaps),
 * the cosines gathered by index; returns the first mode not done.
 */
static AVX512 int64_t gainsAvx512(const double *hs, const double *h2, const double *cosL, int64_t reach, int64_t L, double *gain) {
  const int64_t P = 2 * L;
  const __m512i step0 = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i period = _mm512_set1_epi64(P);
  int64_t m = 0;
  for (; m + 31 <= L; m += 32) {
    __m512i mv[4], j[4];
    __m512d s[4];
    for (int g = 0; g < 4; g++) {
      mv[g] = _mm512_add_epi64(_mm512_set1_epi64(m + 8 * g), step0);
      j[g] = _mm512_setzero_si512();
      s[g] = _mm512_set1_pd(hs[0]);
    }
    for (int64_t d = 1; d <= reach; d++) {
      const __m512d h = _mm512_set1_pd(h2[d]);
      for (int g = 0; g < 4; g++) {
        j[g] = _mm512_add_epi64(j[g], mv[g]);
        j[g] = _mm512_mask_sub_epi64(j[g], _mm512_cmpge_epi64_mask(j[g], period), j[g], period);
        s[g] = _mm512_add_pd(s[g], _mm512_mul_pd(h, _mm512_i64gather_pd(j[g], cosL, 8)));
      }
    }
    double lanes[32];
    for (int g = 0; g < 4; g++) _mm512_storeu_pd(lanes + 8 * g, s[g]);
    for (int l = 0; l < 32; l++) gain[m + l] = ((m + l == 0 || m + l == L) ? 1.0 : 2.0) / (double)P * lanes[l];
  }
  return m;
}

/* Reverses the eight lanes of v. */
static AVX512 inline __m512d reversed(__m512d v) { return _mm512_permutexvar_pd(_mm512_set_epi64(0, 1, 2, 3, 4, 5, 6, 7), v); }

/*
 * Eight consecutive nodes per pass, each tap summed over the union of the eight nodes' ranges (the
 * padded kernel makes the extra terms +0); returns the first node not done.
 */
static AVX512 int64_t massesAvx512(const double *kp, const double *rho, int64_t G, int64_t jLo, int64_t jHi, double *out) {
  const int64_t last = G - 1, half = G / 2;
  int64_t u0 = 0;
  for (; u0 + 8 <= G; u0 += 8) {
    /* Tap 1: lane l reads kp[i + half − u0 − l + G], descending in l. */
    int64_t from = jLo - (half - u0), to = jHi - (half - u0 - 7);
    if (from < 0) from = 0;
    if (to > last) to = last;
    __m512d t1 = _mm512_setzero_pd();
    for (int64_t i = from; i <= to; i++)
      t1 = _mm512_add_pd(t1, _mm512_mul_pd(_mm512_set1_pd(rho[i]), reversed(_mm512_loadu_pd(kp + i + half - u0 - 7 + G))));
    /* Tap 2 (offset half + u) and tap 3 (offset half − 2·last + u): ascending in l. */
    __m512d t2 = _mm512_setzero_pd(), t3 = _mm512_setzero_pd();
    from = jLo - (half + u0 + 7);
    to = jHi - (half + u0);
    if (from < 0) from = 0;
    if (to > last) to = last;
    for (int64_t i = from; i <= to; i++)
      t2 = _mm512_add_pd(t2, _mm512_mul_pd(_mm512_set1_pd(rho[i]), _mm512_loadu_pd(kp + i + half + u0 + G)));
    from = jLo - (half - 2 * last + u0 + 7);
    to = jHi - (half - 2 * last + u0);
    if (from < 0) from = 0;
    if (to > last) to = last;
    for (int64_t i = from; i <= to; i++)
      t3 = _mm512_add_pd(t3, _mm512_mul_pd(_mm512_set1_pd(rho[i]), _mm512_loadu_pd(kp + i + half - 2 * last + u0 + G)));
    double a[8], b[8], c[8];
    _mm512_storeu_pd(a, t1);
    _mm512_storeu_pd(b, t2);
    _mm512_storeu_pd(c, t3);
    for (int l = 0; l < 8; l++) {
      const int64_t u = u0 + l;
      double v = a[l];
      if (u > 0) v += b[l];
      if (u < last) v += c[l];
      out[u] = v;
    }
  }
  return u0;
}
#endif

void smoothCosineGains(const double *hs, const double *h2, const double *cosL, int64_t reach, int64_t L, double *gain, int scalarOnly) {
  int64_t m = 0;
#ifdef EECAL_SMOOTH_AVX512
  if (!scalarOnly && smoothAvx512Usable()) m = gainsAvx512(hs, h2, cosL, reach, L, gain);
#else
  (void)scalarOnly;
#endif
  gainsScalar(hs, h2, cosL, reach, L, gain, m);
}

int smoothColumnMasses(const double *ker, const double *rho, int64_t G, int64_t jLo, int64_t jHi, double *out, int scalarOnly) {
  double *kp = calloc((size_t)(3 * G), sizeof(double));
  if (!kp) return 0;
  memcpy(kp + G, ker, (size_t)G * sizeof(double));
  int64_t u = 0;
#ifdef EECAL_SMOOTH_AVX512
  if (!scalarOnly && smoothAvx512Usable()) u = massesAvx512(kp, rho, G, jLo, jHi, out);
#else
  (void)scalarOnly;
#endif
  massesScalar(kp, rho, G, jLo, jHi, out, u);
  free(kp);
  return 1;
}

/* Node u's weight at node i of the reflected convolution (resampledSmoothEce.ts's coef). */
static inline double coefAt(const double *ker, int64_t G, int64_t i, int64_t u) {
  const int64_t half = G / 2, last = G - 1;
  double v = 0;
  int64_t j = i + half - u;
  if (j >= 0 && j < G) v += ker[j];
  if (u > 0) {
    j = i + half + u;
    if (j < G) v += ker[j];
  }
  if (u < last) {
    j = i + half - 2 * last + u;
    if (j >= 0) v += ker[j];
  }
  return v;
}

#ifdef EECAL_SMOOTH_AVX512
/* coefAt for eight nodes i at once: each tap gathered where its index is inside the grid, added in coefAt's order. */
static AVX512 inline __m512d coefLanes(const double *ker, __m512i i, int64_t G, int64_t u) {
  const int64_t half = G / 2, last = G - 1;
  const __m512i zero = _mm512_setzero_si512(), size = _mm512_set1_epi64(G);
  __m512d v = _mm512_setzero_pd();
  __m512i j = _mm512_add_epi64(i, _mm512_set1_epi64(half - u));
  __mmask8 in = _mm512_cmpge_epi64_mask(j, zero) & _mm512_cmplt_epi64_mask(j, size);
  v = _mm512_mask_add_pd(v, in, v, _mm512_mask_i64gather_pd(_mm512_setzero_pd(), in, j, ker, 8));
  if (u > 0) {
    j = _mm512_add_epi64(i, _mm512_set1_epi64(half + u));
    in = _mm512_cmplt_epi64_mask(j, size);
    v = _mm512_mask_add_pd(v, in, v, _mm512_mask_i64gather_pd(_mm512_setzero_pd(), in, j, ker, 8));
  }
  if (u < last) {
    j = _mm512_add_epi64(i, _mm512_set1_epi64(half - 2 * last + u));
    in = _mm512_cmpge_epi64_mask(j, zero);
    v = _mm512_mask_add_pd(v, in, v, _mm512_mask_i64gather_pd(_mm512_setzero_pd(), in, j, ker, 8));
  }
  return v;
}

/* One row, eight evaluation points at a time; returns the first point not done, and the band so far. */
static AVX512 int64_t rowAvx512(const double *ker, int64_t G, const int32_t *lower, const double *w, int64_t E, int64_t u, double *row,
                                int64_t *lo, int64_t *hi) {
  const __m512d one = _mm512_set1_pd(1);
  int64_t k = 0;
  for (; k + 8 <= E; k += 8) {
    const __m512i i0 = _mm512_cvtepi32_epi64(_mm256_loadu_si256((const __m256i *)(lower + k)));
    const __m512i i1 = _mm512_add_epi64(i0, _mm512_set1_epi64(1));
    const __m512d wk = _mm512_loadu_pd(w + k);
    const __m512d v = _mm512_add_pd(_mm512_mul_pd(coefLanes(ker, i0, G, u), _mm512_sub_pd(one, wk)), _mm512_mul_pd(coefLanes(ker, i1, G, u), wk));
    _mm512_storeu_pd(row + k, v);
    const unsigned nz = _mm512_cmp_pd_mask(v, _mm512_setzero_pd(), _CMP_NEQ_UQ);
    if (nz) {
      if (*lo == E) *lo = k + __builtin_ctz(nz);
      *hi = k + 32 - __builtin_clz(nz);
    }
  }
  return k;
}
#endif

void smoothWeightRows(const double *ker, int64_t G, const int32_t *lower, const double *w, int64_t E, const int32_t *nodes,
                      int64_t count, const int32_t *rowOffset, int32_t *rowLo, int32_t *rowHi, double *rows, int scalarOnly) {
  for (int64_t r = 0; r < count; r++) {
    const int32_t u = nodes[r];
    double *row = rows + rowOffset[u];
    int64_t lo = E, hi = 0, k0 = 0;
#ifdef EECAL_SMOOTH_AVX512
    if (!scalarOnly && smoothAvx512Usable()) k0 = rowAvx512(ker, G, lower, w, E, u, row, &lo, &hi);
#else
    (void)scalarOnly;
#endif
    for (int64_t k = k0; k < E; k++) {
      const double v = coefAt(ker, G, lower[k], u) * (1 - w[k]) + coefAt(ker, G, lower[k] + 1, u) * w[k];
      row[k] = v;
      if (v != 0) {
        if (k < lo) lo = k;
        hi = k + 1;
      }
    }
    rowLo[u] = (int32_t)(lo < hi ? lo : 0);
    rowHi[u] = (int32_t)hi;
  }
}

void smoothSpread(const int32_t *counts, int64_t N, const int32_t *lowerCell, const double *frac, const double *residual,
                  const int32_t *cells, int64_t nc, int64_t G, double *num, double *den, int32_t *nonzeroCells, int32_t *weightedCells,
                  double out[4]) {
  for (int64_t c = 0; c < nc; c++) num[c] = den[c] = 0;
  for (int64_t i = 0; i < N; i++) {
    const int32_t w = counts[i];
    if (w == 0) continue;
    const int32_t c = lowerCell[i];
    const double f = frac[i], wd = (double)w;
    num[c] += wd * ((1 - f) * residual[i]);
    num[c + 1] += wd * (f * residual[i]);
    den[c] += wd * (1 - f);
    den[c + 1] += wd * f;
  }
  int64_t nonzero = 0, weighted = 0;
  double absWeighted = 0, maxAbs = 0;
  for (int64_t c = 0; c < nc; c++) {
    if (den[c] != 0) weightedCells[weighted++] = (int32_t)c;
    const double a = fabs(num[c]);
    if (a == 0) continue;
    nonzeroCells[nonzero++] = (int32_t)c;
    absWeighted += (cells[c] == 0 || cells[c] == G - 1 ? 1.0 : 2.0) * a;
    if (a > maxAbs) maxAbs = a;
  }
  out[0] = (double)nonzero;
  out[1] = (double)weighted;
  out[2] = absWeighted;
  out[3] = maxAbs;
}

const char *smoothSumsPath(void) {
#ifdef EECAL_SMOOTH_AVX512
  return smoothAvx512Usable() ? "AVX-512" : "scalar C";
#else
  return "scalar C";
#endif
}
