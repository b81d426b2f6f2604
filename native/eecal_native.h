/* Shared between eecal's native kernels: the convolution geometry and the oneDNN entry points. */
#ifndef EECAL_NATIVE_H
#define EECAL_NATIVE_H
#include <stdint.h>

/*
 * A 2-D convolution in tfjs's layouts: x [B,H,W,Ci], filter [KH,KW,Ci,Co], y [B,OH,OW,Co].
 * Every size is int64: the geometry arrives as int32 entries, and their products (array lengths,
 * GEMM dimensions) and sums (window positions) are formed in 64 bits and checked before use, so no
 * geometry a caller can pass wraps around.
 */
typedef struct {
  int64_t B, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, padTop, padLeft;
} Geom;

/* The three convolutions of training. */
typedef enum { CONV_FORWARD = 0, CONV_BACKWARD_DATA = 1, CONV_BACKWARD_WEIGHTS = 2 } ConvKind;

/*
 * Runs one convolution with oneDNN on a geometry the caller has checked against the arrays:
 *   CONV_FORWARD           y  = act(conv(x, w) + bias)   (bias may be NULL; act 0 linear, 1 relu, 2 relu6)
 *   CONV_BACKWARD_DATA     x  = conv_dx(y = dy, w)       (x is written)
 *   CONV_BACKWARD_WEIGHTS  w  = conv_dw(x, y = dy)       (w is written)
 * Returns 1 when it ran, 0 when oneDNN is not built in or refused the geometry (the caller then
 * runs its own kernel). `threads`: the OpenMP threads of the calling thread's oneDNN calls.
 */
int dnnlConv(ConvKind kind, const Geom *g, float *x, float *w, float *y, const float *bias, int act, int threads);

/* "oneDNN 2.6.3 (…)" when built in, NULL when not. */
const char *dnnlDescription(void);

/* Frees the calling thread's oneDNN primitives and engine (from the Node environment's cleanup hook). */
void dnnlFreeThread(void);

/*
 * Adam's per-step constants, each already a float32 as tfjs rounds it: β₁, β₂, 1−β₁, 1−β₂, the bias
 * corrections 1−β₁ᵗ and 1−β₂ᵗ, ε, −lr, and the L2 coefficient added to the gradient when `decay`.
 */
typedef struct {
  float beta1, beta2, oneMinusBeta1, oneMinusBeta2, biasCorrection1, biasCorrection2, epsilon, negLearningRate, weightDecay;
  int decay;
} AdamConstants;

/* One Adam step in place on w, m, v (n floats each) with gradient g; arrays must not overlap. */
void adamUpdate(float *w, const float *g, float *m, float *v, int64_t n, const AdamConstants *k);

/*
 * The torch-lbfgs objective's row terms and their drawn-order sums (eecal_softmax.c): dt holds the
 * rows' max-shifted logits class-major [C × rows], labelShift each row's shift of its label's logit;
 * rowLoss and rowGrad receive each row's terms, sums[0..1] their sums over `drawn` in its order.
 * Bit-identical to JavaScript's Math.exp / Math.log arithmetic; scalarOnly skips the AVX-512 path.
 */
void temperatureNllSums(const double *dt, const double *labelShift, int64_t C, int64_t rows, const int32_t *drawn, int64_t n,
                        double beta, double *rowLoss, double *rowGrad, double sums[2], int scalarOnly);
/* conf[r] = 1 / Σ_k e^{β dt[k·rows + r]}: max softmax of max-shifted logits at β = 1/T, as JavaScript sums it. */
void maxSoftmaxConfidences(const double *dt, int64_t C, int64_t rows, double beta, double *conf, int scalarOnly);
/* Which code computes it on this CPU. */
const char *temperatureNllPath(void);
/* y = e^x (fn 0) or log x (fn 1), element-wise, as V8's Math.exp / Math.log (fdlibm). */
void fdlibmLanes(int fn, const double *x, double *y, int64_t n, int scalarOnly);
double fdlibmExp(double x);
double fdlibmLog(double x);

/*
 * The bootstrap smooth ECE's inner loops (eecal_smooth.c), bit for bit the JavaScript loops of
 * src/metrics/resampledSmoothEce.ts: cosine modes from..to−1 added to acc, or the dense rows of the
 * nonzero cells summed into sum; each returns Σ_k |·| over the E evaluation points.
 */
double smoothModeSum(double *acc, const double *spec, const double *phi, int64_t E, int64_t from, int64_t to, int scalarOnly);
double smoothDenseSum(double *sum, const double *num, const int32_t *nonzeroCells, int64_t nonzero, const int32_t *cells,
                      const int32_t *rowOffset, const int32_t *rowLo, const int32_t *rowHi, const double *rows, int64_t E,
                      int scalarOnly);
/* Per resample: spreads the points with their multiplicities onto the grid's touched cells and lists the nonzero ones. */
void smoothSpread(const int32_t *counts, int64_t N, const int32_t *lowerCell, const double *frac, const double *residual,
                  const int32_t *cells, int64_t nc, int64_t G, double *num, double *den, int32_t *nonzeroCells, int32_t *weightedCells,
                  double out[4]);
/* Per resample: the cosine coefficients spec[from…to) of the nonzero cells (cell-major table, `cap` modes per cell). */
void smoothSpecCoefficients(double *spec, const double *num, const int32_t *nonzeroCells, int64_t nonzero, const double *tab,
                            int64_t cap, int64_t from, int64_t to, int scalarOnly);
/* Per bandwidth: the kernel's cosine gains (modes 0…L), and every grid node's column mass (0 if out of memory). */
void smoothCosineGains(const double *hs, const double *h2, const double *cosL, int64_t reach, int64_t L, double *gain, int scalarOnly);
int smoothColumnMasses(const double *ker, const double *rho, int64_t G, int64_t jLo, int64_t jHi, double *out, int scalarOnly);
/* Per bandwidth: the dense weight rows of nodes[0…count) at rows + rowOffset[u], and their bands. */
void smoothWeightRows(const double *ker, int64_t G, const int32_t *lower, const double *w, int64_t E, const int32_t *nodes,
                      int64_t count, const int32_t *rowOffset, int32_t *rowLo, int32_t *rowHi, double *rows, int scalarOnly);
const char *smoothSumsPath(void);

#endif
