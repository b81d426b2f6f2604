/*
 * The objective of the authors' temperature fit (torch-lbfgs) over a bootstrap resample, in C and,
 * where the CPU has AVX-512, eight rows at a time: for each distinct row r of the resample,
 *   s_r = Σ_k e^{β d_rk},   m_r = Σ_k e^{β d_rk} d_rk,
 *   loss_r = log(s_r) − β ℓ_r,   grad_r = m_r / s_r − ℓ_r,
 * then the sums of loss_r and grad_r over the drawn rows, in drawn order.
 *
 * It must give the JavaScript objective's numbers bit for bit (study/stats/resampledNll.ts): the
 * bootstrap's outputs may not depend on whether the addon is built. So every operation is the one
 * JavaScript performs, in the same order (the build passes -ffp-contract=off: no fused multiply-add),
 * and e^x and log x are V8's: fdlibm's algorithms (V8's src/base/ieee754.cc), written out below in
 * scalar C and, for the exponents softmax meets (x in [−700, 0]) and the sums it forms (normal
 * positive numbers), branch-free on eight lanes. A lane outside those ranges (a temperature that went
 * negative, an extreme logit) takes the scalar path. Tests compare both paths with Math.exp and
 * Math.log on millions of arguments, every branch boundary included.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "eecal_native.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define EECAL_HAVE_AVX512 1
#endif

static inline uint64_t bitsOf(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}
static inline double fromBits(uint64_t b) {
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}
static inline int32_t highWord(double x) { return (int32_t)(bitsOf(x) >> 32); }
static inline uint32_t lowWord(double x) { return (uint32_t)bitsOf(x); }
static inline double fromWords(uint32_t hi, uint32_t lo) { return fromBits(((uint64_t)hi << 32) | lo); }

/* fdlibm's constants (e_exp.c, e_log.c), as V8 has them. */
static const double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;
static const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
                    P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
static const double O_THRESHOLD = 7.09782712893383973096e+02, U_THRESHOLD = -7.45133219101941108420e+02;
static const double TWOM1000 = 9.33263618503218878990e-302, TWO1023 = 8.988465674311579539e307, HUGE_ = 1.0e+300;
static const double EULER = 2.718281828459045;
static const double LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01, LG3 = 2.857142874366239149e-01,
                    LG4 = 2.222219843214978396e-01, LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01,
                    LG7 = 1.479819860511658591e-01;
static const double TWO54 = 1.80143985094819840000e+16;

/* e^x as V8's Math.exp computes it, for every x. */
double fdlibmExp(double x) {
  int32_t hx = highWord(x);
  const int xsb = (hx >> 31) & 1;
  hx &= 0x7fffffff;
  double hi = 0, lo = 0;
  int k = 0;
  if (hx >= 0x40862E42) { /* |x| ≥ 709.78…: overflow, underflow, NaN, ±∞ */
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lowWord(x)) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > O_THRESHOLD) return HUGE_ * HUGE_;
    if (x < U_THRESHOLD) return TWOM1000 * TWOM1000;
  }
  if (hx > 0x3fd62e42) { /* |x| > ln2/2: reduce */
    if (hx < 0x3FF0A2B2) {
      if (x == 1.0) return EULER; /* V8 returns Math.E exactly here */
      hi = xsb ? x + LN2_HI : x - LN2_HI;
      lo = xsb ? -LN2_LO : LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = (int)(INV_LN2 * x + (xsb ? -0.5 : 0.5));
      const double t = k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { /* |x| < 2^-28 */
    return 1.0 + x;
  }
  const double t = x * x;
  /* 2^k (or 2^(k+1000)) by adding k to the exponent bits; unsigned, as k < 0 may not be shifted in C. */
  const double twopk = k >= -1021 ? fromWords(0x3ff00000u + ((uint32_t)k << 20), 0)
                                  : fromWords(0x3ff00000u + ((uint32_t)(k + 1000) << 20), 0);
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * TWO1023;
    return y * twopk;
  }
  return y * twopk * TWOM1000;
}

/* log x as V8's Math.log computes it, for every x. */
double fdlibmLog(double x) {
  int32_t hx = highWord(x);
  const uint32_t lx = lowWord(x);
  int32_t k = 0;
  if (hx < 0x00100000) { /* x < 2^-1022 */
    if (((hx & 0x7fffffff) | (int32_t)lx) == 0) return -INFINITY;
    if (hx < 0) return NAN;
    k -= 54;
    x *= TWO54; /* subnormal: scale up */
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  int32_t i = (hx + 0x95f64) & 0x100000;
  x = fromWords((uint32_t)(hx | (i ^ 0x3ff00000)), lowWord(x)); /* x or x/2 into [√2/2, √2) */
  k += i >> 20;
  const double f = x - 1.0;
  double dk;
  if ((0x000fffff & (2 + hx)) < 3) { /* −2^-20 ≤ f < 2^-20 */
    if (f == 0.0) {
      if (k == 0) return 0.0;
      dk = (double)k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const double R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const double s = f / (2.0 + f);
  dk = (double)k;
  const double z = s * s;
  i = hx - 0x6147a;
  const double w = z * z;
  const int32_t j = 0x6b851 - hx;
  const double t1 = w * (LG2 + w * (LG4 + w * LG6));
  const double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const double R = t2 + t1;
  if (i > 0) {
    const double hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

#ifdef EECAL_HAVE_AVX512
#define AVX512 __attribute__((target("avx512f,avx512dq")))

static int avx512Usable(void) {
  static _Atomic int usable = -1; /* decided once; every thread decides the same */
  int u = usable;
  if (u < 0) {
    __builtin_cpu_init();
    u = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
    usable = u;
  }
  return u;
}

static AVX512 inline __m512d splat(double v) { return _mm512_set1_pd(v); }

/* fdlibmExp on eight lanes; lanes outside [−700, 0] (and NaN) are recomputed by the scalar code. */
static AVX512 __m512d exp8(__m512d x) {
  const __mmask8 inRange = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_LE_OQ) &
                           _mm512_cmp_pd_mask(x, splat(-700.0), _CMP_GE_OQ);
  const __m512d ax = _mm512_sub_pd(_mm512_setzero_pd(), x);
  /* fdlibm's tests on the high word of |x|, as tests on |x| itself. */
  const __mmask8 reduce = _mm512_cmp_pd_mask(ax, splat(fromWords(0x3fd62e43, 0)), _CMP_GE_OQ);
  const __mmask8 nearLn2 = reduce & _mm512_cmp_pd_mask(ax, splat(fromWords(0x3ff0a2b2, 0)), _CMP_LT_OQ);
  const __mmask8 tiny = _mm512_cmp_pd_mask(ax, splat(fromWords(0x3e300000, 0)), _CMP_LT_OQ);
  /* Far from 0: k = (int)(x/ln2 − 1/2), truncated toward zero (k ≤ −2 here, so never −0). */
  __m512d t = _mm512_roundscale_pd(_mm512_sub_pd(_mm512_mul_pd(splat(INV_LN2), x), splat(0.5)),
                                   _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  __m512d hi = _mm512_sub_pd(x, _mm512_mul_pd(t, splat(LN2_HI)));
  __m512d lo = _mm512_mul_pd(t, splat(LN2_LO));
  /* Within 1.5·ln2 of 0 (x < 0): k = −1. */
  t = _mm512_mask_blend_pd(nearLn2, t, splat(-1.0));
  hi = _mm512_mask_blend_pd(nearLn2, hi, _mm512_add_pd(x, splat(LN2_HI)));
  lo = _mm512_mask_blend_pd(nearLn2, lo, splat(-LN2_LO));
  const __m512d r = _mm512_mask_blend_pd(reduce, x, _mm512_sub_pd(hi, lo));
  const __m512d tt = _mm512_mul_pd(r, r);
  __m512d poly = _mm512_mul_pd(tt, splat(P5));
  poly = _mm512_mul_pd(tt, _mm512_add_pd(splat(P4), poly));
  poly = _mm512_mul_pd(tt, _mm512_add_pd(splat(P3), poly));
  poly = _mm512_mul_pd(tt, _mm512_add_pd(splat(P2), poly));
  poly = _mm512_mul_pd(tt, _mm512_add_pd(splat(P1), poly));
  const __m512d c = _mm512_sub_pd(r, poly);
  /* q = (r·c)/(2 − c); fdlibm's k = 0 form divides by c − 2 = −(2 − c), which is −q exactly. */
  const __m512d q = _mm512_div_pd(_mm512_mul_pd(r, c), _mm512_sub_pd(splat(2.0), c));
  /* −q by its sign bit: 0 − q would turn a +0 quotient into +0 where fdlibm's division gives −0. */
  const __m512d negQ = _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(q), _mm512_set1_epi64(INT64_MIN)));
  const __m512d k0 = _mm512_sub_pd(splat(1.0), _mm512_sub_pd(negQ, r));
  const __m512d y = _mm512_sub_pd(splat(1.0), _mm512_sub_pd(_mm512_sub_pd(lo, q), hi));
  /* y·2^k: exact, the results being normal numbers (x ≥ −700). */
  const __m512d scaled = _mm512_scalef_pd(y, t);
  __m512d e = _mm512_mask_blend_pd(reduce, k0, scaled);
  e = _mm512_mask_blend_pd(tiny, e, _mm512_add_pd(splat(1.0), x));
  if (inRange != 0xff) {
    double xs[8], es[8];
    _mm512_storeu_pd(xs, x);
    _mm512_storeu_pd(es, e);
    for (int l = 0; l < 8; l++)
      if (!((inRange >> l) & 1)) es[l] = fdlibmExp(xs[l]);
    e = _mm512_loadu_pd(es);
  }
  return e;
}

/* fdlibmLog on eight lanes; lanes that are not normal positive finite numbers take the scalar code. */
static AVX512 __m512d log8(__m512d x) {
  const __mmask8 normal = _mm512_cmp_pd_mask(x, splat(fromWords(0x00100000, 0)), _CMP_GE_OQ) &
                          _mm512_cmp_pd_mask(x, splat(INFINITY), _CMP_LT_OQ);
  const __m512i bits = _mm512_castpd_si512(x);
  const __m512i hx = _mm512_srli_epi64(bits, 32);
  __m512i k = _mm512_sub_epi64(_mm512_srli_epi64(hx, 20), _mm512_set1_epi64(1023));
  const __m512i hxm = _mm512_and_si512(hx, _mm512_set1_epi64(0x000fffff));
  const __m512i i = _mm512_and_si512(_mm512_add_epi64(hxm, _mm512_set1_epi64(0x95f64)), _mm512_set1_epi64(0x100000));
  const __m512i newHigh = _mm512_or_si512(hxm, _mm512_xor_si512(i, _mm512_set1_epi64(0x3ff00000)));
  const __m512d xn = _mm512_castsi512_pd(
      _mm512_or_si512(_mm512_slli_epi64(newHigh, 32), _mm512_and_si512(bits, _mm512_set1_epi64(0xffffffff))));
  k = _mm512_add_epi64(k, _mm512_srli_epi64(i, 20));
  const __m512d f = _mm512_sub_pd(xn, splat(1.0));
  const __mmask8 nearOne = _mm512_cmplt_epi64_mask(
      _mm512_and_si512(_mm512_add_epi64(hxm, _mm512_set1_epi64(2)), _mm512_set1_epi64(0x000fffff)), _mm512_set1_epi64(3));
  const __mmask8 k0 = _mm512_cmpeq_epi64_mask(k, _mm512_setzero_si512());
  const __m512d dk = _mm512_cvtepi64_pd(k);
  const __m512d dkHi = _mm512_mul_pd(dk, splat(LN2_HI));
  const __m512d dkLo = _mm512_mul_pd(dk, splat(LN2_LO));
  /* |f| < 2^-20 */
  const __mmask8 fZero = _mm512_cmp_pd_mask(f, _mm512_setzero_pd(), _CMP_EQ_OQ);
  const __m512d aZero = _mm512_mask_blend_pd(k0, _mm512_add_pd(dkHi, dkLo), _mm512_setzero_pd());
  const __m512d rt = _mm512_mul_pd(_mm512_mul_pd(f, f), _mm512_sub_pd(splat(0.5), _mm512_mul_pd(splat(0.33333333333333333), f)));
  const __m512d aSmall = _mm512_mask_blend_pd(k0, _mm512_sub_pd(dkHi, _mm512_sub_pd(_mm512_sub_pd(rt, dkLo), f)),
                                              _mm512_sub_pd(f, rt));
  const __m512d a = _mm512_mask_blend_pd(fZero, aSmall, aZero);
  /* the general case */
  const __m512d s = _mm512_div_pd(f, _mm512_add_pd(splat(2.0), f));
  const __m512d z = _mm512_mul_pd(s, s);
  const __m512d w = _mm512_mul_pd(z, z);
  const __m512d t1 = _mm512_mul_pd(w, _mm512_add_pd(splat(LG2), _mm512_mul_pd(w, _mm512_add_pd(splat(LG4), _mm512_mul_pd(w, splat(LG6))))));
  const __m512d t2 = _mm512_mul_pd(
      z, _mm512_add_pd(splat(LG1),
                       _mm512_mul_pd(w, _mm512_add_pd(splat(LG3), _mm512_mul_pd(w, _mm512_add_pd(splat(LG5), _mm512_mul_pd(w, splat(LG7))))))));
  const __m512d R = _mm512_add_pd(t2, t1);
  const __m512i ij = _mm512_or_si512(_mm512_sub_epi64(hxm, _mm512_set1_epi64(0x6147a)), _mm512_sub_epi64(_mm512_set1_epi64(0x6b851), hxm));
  const __mmask8 iPositive = _mm512_cmpgt_epi64_mask(ij, _mm512_setzero_si512());
  const __m512d hfsq = _mm512_mul_pd(_mm512_mul_pd(splat(0.5), f), f);
  const __m512d sHR = _mm512_mul_pd(s, _mm512_add_pd(hfsq, R));
  const __m512d b1 = _mm512_mask_blend_pd(k0, _mm512_sub_pd(dkHi, _mm512_sub_pd(_mm512_sub_pd(hfsq, _mm512_add_pd(sHR, dkLo)), f)),
                                          _mm512_sub_pd(f, _mm512_sub_pd(hfsq, sHR)));
  const __m512d sFR = _mm512_mul_pd(s, _mm512_sub_pd(f, R));
  const __m512d b2 = _mm512_mask_blend_pd(k0, _mm512_sub_pd(dkHi, _mm512_sub_pd(_mm512_sub_pd(sFR, dkLo), f)), _mm512_sub_pd(f, sFR));
  const __m512d b = _mm512_mask_blend_pd(iPositive, b2, b1);
  __m512d out = _mm512_mask_blend_pd(nearOne, b, a);
  if (normal != 0xff) {
    double xs[8], ys[8];
    _mm512_storeu_pd(xs, x);
    _mm512_storeu_pd(ys, out);
    for (int l = 0; l < 8; l++)
      if (!((normal >> l) & 1)) ys[l] = fdlibmLog(xs[l]);
    out = _mm512_loadu_pd(ys);
  }
  return out;
}

static AVX512 void rowTermsAvx512(const double *dt, const double *labelShift, int64_t C, int64_t rows, double beta, double *rowLoss,
                                  double *rowGrad) {
  const __m512d b = splat(beta);
  for (int64_t r = 0; r < rows; r += 8) {
    __m512d s = _mm512_setzero_pd();
    __m512d m = _mm512_setzero_pd();
    for (int64_t k = 0; k < C; k++) {
      const __m512d d = _mm512_loadu_pd(dt + k * rows + r);
      const __m512d e = exp8(_mm512_mul_pd(b, d));
      s = _mm512_add_pd(s, e);
      m = _mm512_add_pd(m, _mm512_mul_pd(e, d));
    }
    const __m512d l = _mm512_loadu_pd(labelShift + r);
    _mm512_storeu_pd(rowLoss + r, _mm512_sub_pd(log8(s), _mm512_mul_pd(b, l)));
    _mm512_storeu_pd(rowGrad + r, _mm512_sub_pd(_mm512_div_pd(m, s), l));
  }
}

/* The whole groups of eight rows; returns how many rows it did. */
static AVX512 int64_t confidencesAvx512(const double *dt, int64_t C, int64_t rows, double beta, double *conf) {
  const __m512d b = splat(beta);
  int64_t r = 0;
  for (; r + 8 <= rows; r += 8) {
    __m512d s = _mm512_setzero_pd();
    for (int64_t k = 0; k < C; k++) s = _mm512_add_pd(s, exp8(_mm512_mul_pd(b, _mm512_loadu_pd(dt + k * rows + r))));
    _mm512_storeu_pd(conf + r, _mm512_div_pd(splat(1.0), s));
  }
  return r;
}

/* Whole groups of eight; returns how many elements it did. */
static AVX512 int64_t lanesAvx512(int fn, const double *x, double *y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512d v = _mm512_loadu_pd(x + i);
    _mm512_storeu_pd(y + i, fn == 0 ? exp8(v) : log8(v));
  }
  return i;
}

void fdlibmLanes(int fn, const double *x, double *y, int64_t n, int scalarOnly) {
  int64_t i = !scalarOnly && avx512Usable() ? lanesAvx512(fn, x, y, n) : 0;
  for (; i < n; i++) y[i] = fn == 0 ? fdlibmExp(x[i]) : fdlibmLog(x[i]);
}
#else
static int avx512Usable(void) { return 0; }
void fdlibmLanes(int fn, const double *x, double *y, int64_t n, int scalarOnly) {
  (void)scalarOnly;
  for (int64_t i = 0; i < n; i++) y[i] = fn == 0 ? fdlibmExp(x[i]) : fdlibmLog(x[i]);
}
#endif

static void rowTermsScalar(const double *dt, const double *labelShift, int64_t C, int64_t rows, double beta, double *rowLoss,
                           double *rowGrad) {
  for (int64_t r = 0; r < rows; r++) {
    double s = 0, m = 0;
    for (int64_t k = 0; k < C; k++) {
      const double d = dt[k * rows + r];
      const double e = fdlibmExp(beta * d);
      s += e;
      m += e * d;
    }
    rowLoss[r] = fdlibmLog(s) - beta * labelShift[r];
    rowGrad[r] = m / s - labelShift[r];
  }
}

void maxSoftmaxConfidences(const double *dt, int64_t C, int64_t rows, double beta, double *conf, int scalarOnly) {
  int64_t r = 0;
#ifdef EECAL_HAVE_AVX512
  if (!scalarOnly && avx512Usable()) r = confidencesAvx512(dt, C, rows, beta, conf);
#endif
  (void)scalarOnly;
  for (; r < rows; r++) {
    double s = 0;
    for (int64_t k = 0; k < C; k++) s += fdlibmExp(beta * dt[k * rows + r]);
    conf[r] = 1 / s;
  }
}

const char *temperatureNllPath(void) { return avx512Usable() ? "C, AVX-512 (8 rows at a time)" : "C (scalar)"; }

void temperatureNllSums(const double *dt, const double *labelShift, int64_t C, int64_t rows, const int32_t *drawn, int64_t n,
                        double beta, double *rowLoss, double *rowGrad, double sums[2], int scalarOnly) {
#ifdef EECAL_HAVE_AVX512
  if (!scalarOnly && rows % 8 == 0 && avx512Usable())
    rowTermsAvx512(dt, labelShift, C, rows, beta, rowLoss, rowGrad);
  else
#endif
    rowTermsScalar(dt, labelShift, C, rows, beta, rowLoss, rowGrad);
  (void)scalarOnly;
  double loss = 0, grad = 0;
  for (int64_t j = 0; j < n; j++) {
    loss += rowLoss[drawn[j]];
    grad += rowGrad[drawn[j]];
  }
  sums[0] = loss;
  sums[1] = grad;
}
