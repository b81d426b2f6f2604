/*
 * eecal's optional native kernels and their N-API boundary: the three 2-D convolutions of training
 * (forward, dW, dX) — on oneDNN where it is built in and measured faster (eecal_dnnl.c), else as
 * im2col + one BLAS GEMM per chunk of images (here) — and the max-pool gradient, LRN and its
 * gradient and the bias gradients' row sums as vectorized C loops, run on the tensors' own memory (for the wasm backend,
 * Float32Array views of the wasm heap: no copies in or out).
 *
 * Why: in wasm, XNNPACK's convolutions are capped by 128-bit SIMD without FMA (30–38 GFLOP/s
 * here), and the dW composite re-packs dy as a filter on every step; a native GEMM uses the CPU's
 * full vector width. The convolutions are ~85 % of a B-AlexNet training step on wasm.
 *
 * Layouts are tfjs's: x [B,H,W,Ci], filter [KH,KW,Ci,Co], y/dy [B,OH,OW,Co], all row-major
 * float32. The filter read as a matrix is W[K = KH·KW·Ci, Co], and im2col's rows are the output
 * pixels (b,oh,ow) with columns (kh,kw,ci), so
 *   forward  y[rows,Co]  = cols[rows,K] · W[K,Co]
 *   dW       dW[K,Co]    = Σ_chunks colsᵀ[K,rows] · dy[rows,Co]
 *   dX       dcols[rows,K] = dy[rows,Co] · Wᵀ[Co,K], scattered back by col2im.
 * In NHWC the KW taps of one filter row are KW·Ci contiguous floats of x, so im2col copies whole
 * runs where the window lies inside the image.
 *
 * The entry points are a boundary that trusts nothing: the geometry is checked against itself
 * (each output size must follow from input, window, stride and pad), every size is formed in 64
 * bits with overflow checks, the GEMM dimensions must fit BLAS's int, every array must be as long
 * as the geometry says, LRN parameters must be finite and an output must not alias an input.
 * A bad call throws a JS error.
 */
#define NAPI_VERSION 8
#define _DEFAULT_SOURCE /* sysconf(_SC_NPROCESSORS_ONLN) under -std=c11 */
#include <node_api.h>
#include "eecal_native.h"
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <math.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

/* OpenBLAS's own controls (declared in its cblas.h; repeated for other CBLAS headers' sake). */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);

enum { GEOM_LEN = 13 };

/*
 * BLAS threads per call, for the whole process: OpenBLAS's count is one global, so it is set once
 * (by the first setThreads) and never changed while other threads may be inside a GEMM. 0: not set.
 */
static _Atomic int blasThreads = 0;

/* The calling thread's threads per call (1 until setThreads): OpenBLAS's and oneDNN's. */
static int threadsPerCall(void) {
  const int n = atomic_load(&blasThreads);
  return n > 0 ? n : 1;
}

/*
 * Which library runs the convolutions oneDNN covers: 1 oneDNN (the default when built in: it
 * measured faster, see eecal_dnnl.c), 0 OpenBLAS for all (setConvLibrary; for same-process
 * comparisons and for testing both paths against the stock kernels).
 */
static _Atomic int useDnnl = 1;

/* The input gradient goes to oneDNN only from this many input channels (see eecal_dnnl.c). */
enum { DNNL_MIN_DX_CHANNELS = 16 };

/* The im2col scratch of the calling thread: training workers are threads of one process. */
static _Thread_local float *scratch = NULL;
static _Thread_local size_t scratchLen = 0;

/*
 * Frees the calling thread's scratch. Registered as each Node environment's cleanup hook, which
 * runs on that environment's thread as it ends: a worker replica's scratch (up to a chunk of
 * im2col columns, more for large images) goes with the worker instead of leaking. `token` is the
 * hook's own registration (see the module init), freed with it.
 */
static void freeScratch(void *token) {
  free(token);
  dnnlFreeThread();
  free(scratch);
  scratch = NULL;
  scratchLen = 0;
}

static float *scratchFloats(size_t n) {
  if (n > scratchLen) {
    free(scratch);
    scratch = (float *)malloc(n * sizeof(float));
    scratchLen = scratch ? n : 0;
  }
  return scratch;
}

/*
 * Images per chunk: enough output rows for an efficient GEMM, few enough that a chunk's columns
 * (rows·K floats) stay near 2 MiB, so im2col's writes are still in cache when the GEMM reads them;
 * and never more rows than BLAS's int can count (the caller checked that one image's rows fit).
 */
static int64_t imagesPerChunk(const Geom *g, int64_t K, int64_t pix) {
  int64_t rows = (int64_t)(2u << 20) / (K * (int64_t)sizeof(float));
  if (rows < 256) rows = 256;
  int64_t n = rows / pix;
  if (n < 1) n = 1;
  if (n > g->B) n = g->B;
  if (n > INT_MAX / pix) n = INT_MAX / pix;
  return n;
}

/* One chunk of images [b0, b1): its first output row offset is b0·OH·OW, it has `rows` rows. */
typedef struct { int64_t b0, b1, rows; } Chunk;

/* Advances `c` to the next chunk of `step` images; 0 after the last. Start from a zeroed Chunk. */
static int nextChunk(const Geom *g, int64_t step, Chunk *c) {
  c->b0 = c->b1;
  if (c->b0 >= g->B) return 0;
  c->b1 = c->b0 + step < g->B ? c->b0 + step : g->B;
  c->rows = (c->b1 - c->b0) * g->OH * g->OW;
  return 1;
}

static void im2col(const float *x, float *cols, const Geom *g, int64_t b0, int64_t b1) {
  const int64_t H = g->H, W = g->W, Ci = g->Ci, KH = g->KH, KW = g->KW;
  const size_t run = (size_t)(KW * Ci);
  float *out = cols;
  for (int64_t b = b0; b < b1; b++) {
    const float *xb = x + (size_t)(b * H * W * Ci);
    for (int64_t oh = 0; oh < g->OH; oh++) {
      const int64_t ih0 = oh * g->sh - g->padTop;
      for (int64_t ow = 0; ow < g->OW; ow++) {
        const int64_t iw0 = ow * g->sw - g->padLeft;
        const int inside = iw0 >= 0 && iw0 + KW <= W;
        for (int64_t kh = 0; kh < KH; kh++) {
          const int64_t ih = ih0 + kh;
          if (ih < 0 || ih >= H) {
            memset(out, 0, run * sizeof(float));
          } else if (inside) {
            memcpy(out, xb + (size_t)((ih * W + iw0) * Ci), run * sizeof(float));
          } else {
            for (int64_t kw = 0; kw < KW; kw++) {
              const int64_t iw = iw0 + kw;
              float *o = out + (size_t)(kw * Ci);
              if (iw < 0 || iw >= W) memset(o, 0, (size_t)Ci * sizeof(float));
              else memcpy(o, xb + (size_t)((ih * W + iw) * Ci), (size_t)Ci * sizeof(float));
            }
          }
          out += run;
        }
      }
    }
  }
}

/* dx[b,ih,iw,:] += dcols[row,(kh,kw),:] for every tap inside the image (the adjoint of im2col). */
static void col2imAdd(const float *dcols, float *dx, const Geom *g, int64_t b0, int64_t b1) {
  const int64_t H = g->H, W = g->W, Ci = g->Ci, KH = g->KH, KW = g->KW;
  const size_t run = (size_t)(KW * Ci);
  const float *in = dcols;
  for (int64_t b = b0; b < b1; b++) {
    float *xb = dx + (size_t)(b * H * W * Ci);
    for (int64_t oh = 0; oh < g->OH; oh++) {
      const int64_t ih0 = oh * g->sh - g->padTop;
      for (int64_t ow = 0; ow < g->OW; ow++) {
        const int64_t iw0 = ow * g->sw - g->padLeft;
        const int inside = iw0 >= 0 && iw0 + KW <= W;
        for (int64_t kh = 0; kh < KH; kh++, in += run) {
          const int64_t ih = ih0 + kh;
          if (ih < 0 || ih >= H) continue;
          if (inside) {
            float *d = xb + (size_t)((ih * W + iw0) * Ci);
            for (size_t i = 0; i < run; i++) d[i] += in[i];
          } else {
            for (int64_t kw = 0; kw < KW; kw++) {
              const int64_t iw = iw0 + kw;
              if (iw < 0 || iw >= W) continue;
              float *d = xb + (size_t)((ih * W + iw) * Ci);
              const float *s = in + (size_t)(kw * Ci);
              for (int64_t c = 0; c < Ci; c++) d[c] += s[c];
            }
          }
        }
      }
    }
  }
}

enum Activation { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2 };

static void biasActivation(float *y, size_t rows, int64_t Co, const float *bias, int act) {
  for (size_t r = 0; r < rows; r++) {
    float *v = y + r * (size_t)Co;
    if (bias) for (int64_t c = 0; c < Co; c++) v[c] += bias[c];
    if (act == ACT_RELU) for (int64_t c = 0; c < Co; c++) v[c] = v[c] > 0.f ? v[c] : 0.f;
    else if (act == ACT_RELU6) for (int64_t c = 0; c < Co; c++) v[c] = v[c] < 0.f ? 0.f : (v[c] > 6.f ? 6.f : v[c]);
  }
}

/* Pool geometry [B,H,W,C,OH,OW,FH,FW,sh,sw,padTop,padLeft], in int64 like Geom. */
typedef struct {
  int64_t B, H, W, C, OH, OW, FH, FW, sh, sw, padTop, padLeft;
} PoolGeom;

enum { POOL_GEOM_LEN = 12 };

/*
 * dx of a 2-D max-pooling (NHWC): every window sends its dy to its first maximum in row-major
 * order among in-bounds positions (tfjs cpu's tie-breaking, strict '>' from −∞; see
 * maxPoolGrad.ts), so a window of NaNs sends nothing, and y is not needed. For each output pixel the
 * window's positions are walked in row-major order with the channels innermost: one contiguous,
 * branch-free compare-and-keep over C floats per position, which the compiler vectorizes (one
 * clone per vector width, picked at load time). `best` and `at` are C-float / C-int scratch; `at`
 * holds the winning position's index inside the clipped window, turned into an offset of x only
 * for the scatter.
 */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void maxPoolGradScatter(const float *restrict x, const float *restrict dy, float *restrict dx, const PoolGeom *p,
                               float *restrict best, int32_t *restrict at) {
  const int64_t B = p->B, H = p->H, W = p->W, C = p->C, OH = p->OH, OW = p->OW, FH = p->FH, FW = p->FW;
  memset(dx, 0, (size_t)(B * H * W * C) * sizeof(float));
  for (int64_t b = 0; b < B; b++) {
    const int64_t xb = b * H * W * C;
    for (int64_t oh = 0; oh < OH; oh++) {
      const int64_t r0 = oh * p->sh - p->padTop;
      const int64_t rMin = r0 > 0 ? r0 : 0, rMax = r0 + FH < H ? r0 + FH : H;
      for (int64_t ow = 0; ow < OW; ow++) {
        const int64_t c0 = ow * p->sw - p->padLeft;
        const int64_t cMin = c0 > 0 ? c0 : 0, cMax = c0 + FW < W ? c0 + FW : W;
        const int64_t wc = cMax - cMin;
        for (int64_t d = 0; d < C; d++) { best[d] = -INFINITY; at[d] = -1; }
        int32_t k = 0;
        for (int64_t r = rMin; r < rMax; r++) {
          for (int64_t c = cMin; c < cMax; c++, k++) {
            const float *xp = x + xb + (r * W + c) * C;
            for (int64_t d = 0; d < C; d++) {
              const int take = xp[d] > best[d];
              best[d] = take ? xp[d] : best[d];
              at[d] = take ? k : at[d];
            }
          }
        }
        const int64_t yb = ((b * OH + oh) * OW + ow) * C;
        for (int64_t d = 0; d < C; d++) {
          if (at[d] < 0) continue;
          const int64_t r = rMin + at[d] / wc, c = cMin + at[d] % wc;
          dx[xb + (r * W + c) * C + d] += dy[yb + d];
        }
      }
    }
  }
}

/*
 * Local response normalisation over the last (channel) axis, tfjs's definition:
 *   norm[c] = bias + alpha · Σ_{k ∈ W(c)} x[k]²,  W(c) = [c − r, c + r] clipped to [0, C),
 *   y[c] = x[c] · norm[c]^−beta,
 * and its gradient gathered (the window is symmetric, see lrnGrad.ts):
 *   dx[k] = dy[k] · norm[k]^−beta − 2·alpha·beta · x[k] · Σ_{i ∈ W(k)} dy[i] · y[i] / norm[i].
 * In float64 like eecal's JavaScript kernels (one rounding to float32), one pixel's channels at a
 * time through zero-padded scratch rows, so every loop runs over contiguous channels and the
 * compiler vectorizes it (clones per vector width). Why: the JavaScript kernels were the largest
 * kernels of a training step after the convolutions moved to oneDNN.
 */
typedef struct { int64_t C, r; double bias, alpha, beta; } LrnParams;

/* d^−beta; for beta = 0.75 (B-AlexNet) as 1/(√d·⁴√d), as eecal's JavaScript kernels do. */
static inline double negPow(double d, double beta) {
  if (beta == 0.75) {
    const double q = sqrt(d);
    return 1.0 / (q * sqrt(q));
  }
  return pow(d, -beta);
}

/* s[c] = Σ_{j<w} a[c + j] for c < C (a: C + w − 1 entries, zero-padded by r on each side). */
static inline void windowSums(const double *restrict a, double *restrict s, int64_t C, int64_t w) {
  for (int64_t c = 0; c < C; c++) s[c] = 0;
  for (int64_t j = 0; j < w; j++) for (int64_t c = 0; c < C; c++) s[c] += a[c + j];
}

/* Scratch: sq and t (C + 2r each, pads kept 0), s and pw (C each). */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void lrnForward(const float *restrict x, float *restrict y, int64_t n, const LrnParams *p, double *restrict scratch) {
  const int64_t C = p->C, r = p->r, w = 2 * r + 1;
  double *sq = scratch, *s = scratch + C + 2 * r;
  for (int64_t base = 0; base < n; base += C) {
    for (int64_t c = 0; c < C; c++) sq[c + r] = (double)x[base + c] * x[base + c];
    windowSums(sq, s, C, w);
    for (int64_t c = 0; c < C; c++) y[base + c] = (float)(x[base + c] * negPow(p->bias + p->alpha * s[c], p->beta));
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
static void lrnGradient(const float *restrict x, const float *restrict y, const float *restrict dy, float *restrict dx, int64_t n,
                        const LrnParams *p, double *restrict scratch) {
  const int64_t C = p->C, r = p->r, w = 2 * r + 1;
  double *sq = scratch, *t = sq + C + 2 * r, *s = t + C + 2 * r, *pw = s + C;
  const double k2ab = -2 * p->alpha * p->beta;
  for (int64_t base = 0; base < n; base += C) {
    for (int64_t c = 0; c < C; c++) sq[c + r] = (double)x[base + c] * x[base + c];
    windowSums(sq, s, C, w);
    for (int64_t c = 0; c < C; c++) {
      const double norm = p->bias + p->alpha * s[c];
      pw[c] = negPow(norm, p->beta);
      t[c + r] = (double)dy[base + c] * y[base + c] / norm;
    }
    windowSums(t, s, C, w);
    for (int64_t c = 0; c < C; c++) dx[base + c] = (float)(dy[base + c] * pw[c] + k2ab * x[base + c] * s[c]);
  }
}

/*
 * out[c] = Σ_r x[r·C + c] over the R rows of x [R, C], added in float64 four rows at a time and
 * rounded once: the values and order of eecal's JavaScript kernel (sumLeadingAxes.ts), vectorized
 * over c. `acc` is C doubles of scratch.
 */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void sumRows(const float *restrict x, float *restrict out, int64_t R, int64_t C, double *restrict acc) {
  for (int64_t c = 0; c < C; c++) acc[c] = 0;
  int64_t r = 0;
  for (; r + 4 <= R; r += 4) {
    const float *x0 = x + r * C, *x1 = x0 + C, *x2 = x1 + C, *x3 = x2 + C;
    for (int64_t c = 0; c < C; c++) acc[c] += ((double)x0[c] + (double)x1[c]) + ((double)x2[c] + (double)x3[c]);
  }
  for (; r < R; r++) {
    const float *xr = x + r * C;
    for (int64_t c = 0; c < C; c++) acc[c] += (double)xr[c];
  }
  for (int64_t c = 0; c < C; c++) out[c] = (float)acc[c];
}

/* ---- The boundary: every argument is checked here, so the kernels above may trust it. ----
 * Arguments are Float32Arrays (views; never copied) and an Int32Array geometry. A bad call throws
 * a JavaScript error naming the entry point and argument; it never reaches a kernel. */

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "eecal native: N-API call failed: " #call); return NULL; } } while (0)

/* Throws a RangeError "eecal native: <formatted>"; returns 0 for `return fail(...)`. */
__attribute__((format(printf, 2, 3)))
static int fail(napi_env env, const char *fmt, ...) {
  char msg[320];
  int n = snprintf(msg, sizeof msg, "eecal native: ");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  napi_throw_range_error(env, NULL, msg);
  return 0;
}

/* The largest element count a float array may have: its byte size must fit a ptrdiff_t. */
#define MAX_FLOATS ((uint64_t)PTRDIFF_MAX / sizeof(float))

/* *out = a·b·c·d (pass 1 for unused factors); 0 if the product exceeds MAX_FLOATS. */
static int product(uint64_t *out, int64_t a, int64_t b, int64_t c, int64_t d) {
  uint64_t p;
  if (__builtin_mul_overflow((uint64_t)a, (uint64_t)b, &p) || __builtin_mul_overflow(p, (uint64_t)c, &p) ||
      __builtin_mul_overflow(p, (uint64_t)d, &p) || p > MAX_FLOATS) return 0;
  *out = p;
  return 1;
}

/* A float array argument: its data and length in floats. */
typedef struct { float *data; uint64_t len; } Floats;

/* A typed array argument of one element type: its data, element count and byte extent. */
typedef struct { void *data; size_t len; size_t bytes; } Typed;

static int argTyped(napi_env env, napi_value v, napi_typedarray_type want, const char *typeName, const char *what, Typed *out) {
  napi_typedarray_type type;
  size_t len, off;
  void *ptr;
  napi_value buf;
  bool isTa = false;
  if (napi_is_typedarray(env, v, &isTa) != napi_ok || !isTa ||
      napi_get_typedarray_info(env, v, &type, &len, &ptr, &buf, &off) != napi_ok || type != want) {
    char msg[160];
    snprintf(msg, sizeof msg, "eecal native: %s must be a %s", what, typeName);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  out->data = ptr;
  out->len = len;
  out->bytes = len * (type == napi_float64_array ? 8 : 4);
  return 1;
}

static int argFloats(napi_env env, napi_value v, const char *what, uint64_t need, Floats *out) {
  Typed t;
  if (!argTyped(env, v, napi_float32_array, "Float32Array", what, &t)) return 0;
  if ((uint64_t)t.len < need) return fail(env, "%s has %zu floats; the geometry needs %" PRIu64, what, t.len, need);
  out->data = (float *)t.data;
  out->len = need;
  return 1;
}

/* 1 if the first `len` floats of a and b share memory (an output must not alias an input). */
static int overlaps(const Floats *a, const Floats *b) {
  const uintptr_t a0 = (uintptr_t)a->data, a1 = a0 + a->len * sizeof(float);
  const uintptr_t b0 = (uintptr_t)b->data, b1 = b0 + b->len * sizeof(float);
  return a->len && b->len && a0 < b1 && b0 < a1;
}

static int checkNoAlias(napi_env env, const char *fn, const Floats *out, const char *outName, const Floats *in, const char *inName) {
  if (in && overlaps(out, in)) return fail(env, "%s %s shares memory with %s; an output must be a separate array", fn, outName, inName);
  return 1;
}

/*
 * An Int32Array geometry of at least `n` entries, the first `n − 2` ≥ 1 and the last two (the
 * pads) ≥ 0, copied into `dst` as int64; errors name it as `what` with its `layout`.
 */
static int argGeometry(napi_env env, napi_value v, int n, const char *what, const char *layout, int64_t *dst) {
  napi_typedarray_type type;
  size_t len, off;
  void *ptr;
  napi_value buf;
  bool isTa = false;
  if (napi_is_typedarray(env, v, &isTa) != napi_ok || !isTa ||
      napi_get_typedarray_info(env, v, &type, &len, &ptr, &buf, &off) != napi_ok || type != napi_int32_array || len < (size_t)n) {
    char msg[200];
    snprintf(msg, sizeof msg, "eecal native: %s must be an Int32Array %s", what, layout);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  const int32_t *a = (const int32_t *)ptr;
  for (int i = 0; i < n; i++) {
    if (a[i] < (i >= n - 2 ? 0 : 1)) return fail(env, "%s %s: entries must be ≥ 1 (the last two ≥ 0); entry %d is %d", what, layout, i, a[i]);
    dst[i] = a[i];
  }
  return 1;
}

/*
 * One spatial axis of a window geometry: the output size must follow from the input size, the
 * window, the stride and the leading pad, as for some trailing pad that leaves every window at
 * least one input row (tfjs's 'same', 'valid' and explicit pads all do): leading pad < window,
 * out ≥ ⌊(in + padLead − window)/stride⌋ + 1 (no row the windows reach is dropped) and
 * (out − 1)·stride − padLead ≤ in − 1 (the last window starts inside the input).
 */
static int checkAxis(napi_env env, const char *what, const char *axis, int64_t in, int64_t out, int64_t k, int64_t s, int64_t pad) {
  if (pad >= k) return fail(env, "%s: the %s pad %" PRId64 " must be smaller than the window (%" PRId64 ")", what, axis, pad, k);
  const int64_t lo = in + pad >= k ? (in + pad - k) / s + 1 : 1, hi = (in - 1 + pad) / s + 1;
  if (out < lo || out > hi) {
    return fail(env, "%s: output %s %" PRId64 " does not follow from input %" PRId64 ", window %" PRId64 ", stride %" PRId64
                ", pad %" PRId64 " (expected %" PRId64 "..%" PRId64 ")", what, axis, out, in, k, s, pad, lo, hi);
  }
  return 1;
}

/* A convolution's sizes, derived from a checked geometry. */
typedef struct {
  uint64_t xLen, yLen, wLen;
  int64_t K, pix, step;
  size_t scratch;
} ConvSizes;

static int checkGeom(napi_env env, const char *fn, const Geom *g, ConvSizes *z) {
  char what[80];
  snprintf(what, sizeof what, "%s geometry", fn);
  if (!checkAxis(env, what, "height", g->H, g->OH, g->KH, g->sh, g->padTop) ||
      !checkAxis(env, what, "width", g->W, g->OW, g->KW, g->sw, g->padLeft)) return 0;
  uint64_t K, pix, scratch;
  if (!product(&z->xLen, g->B, g->H, g->W, g->Ci) || !product(&z->yLen, g->B, g->OH, g->OW, g->Co) ||
      !product(&z->wLen, g->KH, g->KW, g->Ci, g->Co) || !product(&K, g->KH, g->KW, g->Ci, 1) || !product(&pix, g->OH, g->OW, 1, 1)) {
    return fail(env, "%s: an array size (B·H·W·Ci, B·OH·OW·Co or KH·KW·Ci·Co) exceeds %" PRIu64 " floats", what, MAX_FLOATS);
  }
  // BLAS counts rows, columns and leading dimensions in int: K, Co and one image's OH·OW rows.
  if (K > INT_MAX || pix > INT_MAX || g->Co > INT_MAX) {
    return fail(env, "%s: KH·KW·Ci = %" PRIu64 " and OH·OW = %" PRIu64 " must each be at most %d (BLAS's int)", what, K, pix, INT_MAX);
  }
  z->K = (int64_t)K;
  z->pix = (int64_t)pix;
  z->step = imagesPerChunk(g, z->K, z->pix);
  if (!product(&scratch, z->step, z->pix, z->K, 1)) return fail(env, "%s: the im2col columns of one image exceed %" PRIu64 " floats", what, MAX_FLOATS);
  z->scratch = (size_t)scratch;
  return 1;
}

static int argGeom(napi_env env, const char *fn, napi_value v, Geom *g, ConvSizes *z) {
  int64_t a[GEOM_LEN];
  if (!argGeometry(env, v, GEOM_LEN, "geometry", "[B,H,W,Ci,OH,OW,Co,KH,KW,sh,sw,padTop,padLeft]", a)) return 0;
  *g = (Geom){ a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12] };
  return checkGeom(env, fn, g, z);
}

static napi_value outOfMemory(napi_env env, size_t floats) {
  char msg[160];
  snprintf(msg, sizeof msg, "eecal native: out of memory for the im2col scratch (%zu floats)", floats);
  napi_throw_error(env, NULL, msg);
  return NULL;
}

enum Operand { X, Y, FILTER };

static uint64_t operandLen(const ConvSizes *z, enum Operand k) { return k == X ? z->xLen : k == Y ? z->yLen : z->wLen; }

/*
 * The arguments of a convolution entry point `fn`: (a, b, c, geom, ...extra) where a, b, c are
 * Float32Arrays named `names` and sized by the geometry as `kinds` say; c is the output and must
 * not share memory with a or b. Fills `argv` (argc of them), the geometry, its sizes and the three
 * arrays; 0 with a JS exception pending on bad input.
 */
static int convArgs(napi_env env, napi_callback_info info, const char *fn, size_t argc, napi_value *argv,
                    const char *const names[3], const enum Operand kinds[3], Geom *g, ConvSizes *z, Floats arrays[3]) {
  size_t got = argc;
  if (napi_get_cb_info(env, info, &got, argv, NULL, NULL) != napi_ok) return 0;
  if (got < argc) {
    char msg[160];
    snprintf(msg, sizeof msg, "eecal native: %s takes %zu arguments", fn, argc);
    napi_throw_error(env, NULL, msg);
    return 0;
  }
  if (!argGeom(env, fn, argv[3], g, z)) return 0;
  char what[120];
  for (int i = 0; i < 3; i++) {
    snprintf(what, sizeof what, "%s %s", fn, names[i]);
    if (!argFloats(env, argv[i], what, operandLen(z, kinds[i]), &arrays[i])) return 0;
  }
  return checkNoAlias(env, fn, &arrays[2], names[2], &arrays[0], names[0]) &&
         checkNoAlias(env, fn, &arrays[2], names[2], &arrays[1], names[1]);
}

/* conv2d's activation argument: one of the Activation codes; anything else is refused. */
static int argActivation(napi_env env, napi_value v, int *act) {
  napi_valuetype t;
  double d = -1;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_number) napi_get_value_double(env, v, &d);
  if (!(d == ACT_LINEAR || d == ACT_RELU || d == ACT_RELU6)) {
    return fail(env, "conv2d activation must be 0 (linear), 1 (relu) or 2 (relu6)");
  }
  *act = (int)d;
  return 1;
}

/* conv2d(x, filter, y, geom, bias|null, activation) */
static napi_value Conv2d(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  Geom g;
  ConvSizes z;
  Floats a[3], bias = { NULL, 0 };
  int act = 0;
  static const char *const names[3] = { "x", "filter", "y" };
  static const enum Operand kinds[3] = { X, FILTER, Y };
  if (!convArgs(env, info, "conv2d", 6, argv, names, kinds, &g, &z, a)) return NULL;
  napi_valuetype bt;
  CHECK(napi_typeof(env, argv[4], &bt));
  if (bt != napi_null && bt != napi_undefined) {
    if (!argFloats(env, argv[4], "conv2d bias", (uint64_t)g.Co, &bias) || !checkNoAlias(env, "conv2d", &a[2], "y", &bias, "bias")) return NULL;
  }
  if (!argActivation(env, argv[5], &act)) return NULL;
  const float *x = a[0].data, *w = a[1].data;
  float *y = a[2].data;
  // oneDNN reads x and w only (they are const to it); the casts meet its one pointer type.
  if (atomic_load(&useDnnl) && dnnlConv(CONV_FORWARD, &g, (float *)x, (float *)w, y, bias.data, act, threadsPerCall())) return NULL;
  float *cols = scratchFloats(z.scratch);
  if (!cols) return outOfMemory(env, z.scratch);
  const int K = (int)z.K, Co = (int)g.Co;
  for (Chunk c = { 0, 0, 0 }; nextChunk(&g, z.step, &c);) {
    float *yc = y + (size_t)(c.b0 * z.pix * g.Co);
    im2col(x, cols, &g, c.b0, c.b1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)c.rows, Co, K, 1.f, cols, K, w, Co, 0.f, yc, Co);
    if (bias.data || act) biasActivation(yc, (size_t)c.rows, g.Co, bias.data, act);
  }
  return NULL;
}

/* conv2dBackpropFilter(x, dy, dw, geom) */
static napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Geom g;
  ConvSizes z;
  Floats a[3];
  static const char *const names[3] = { "x", "dy", "dw" };
  static const enum Operand kinds[3] = { X, Y, FILTER };
  if (!convArgs(env, info, "conv2dBackpropFilter", 4, argv, names, kinds, &g, &z, a)) return NULL;
  const float *x = a[0].data, *dy = a[1].data;
  float *dw = a[2].data;
  if (atomic_load(&useDnnl) && dnnlConv(CONV_BACKWARD_WEIGHTS, &g, (float *)x, dw, (float *)dy, NULL, 0, threadsPerCall())) return NULL;
  float *cols = scratchFloats(z.scratch);
  if (!cols) return outOfMemory(env, z.scratch);
  const int K = (int)z.K, Co = (int)g.Co;
  for (Chunk c = { 0, 0, 0 }; nextChunk(&g, z.step, &c);) {
    im2col(x, cols, &g, c.b0, c.b1);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, Co, (int)c.rows, 1.f, cols, K,
                dy + (size_t)(c.b0 * z.pix * g.Co), Co, c.b0 == 0 ? 0.f : 1.f, dw, Co);
  }
  return NULL;
}

/* conv2dBackpropInput(dy, filter, dx, geom) */
static napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Geom g;
  ConvSizes z;
  Floats a[3];
  static const char *const names[3] = { "dy", "filter", "dx" };
  static const enum Operand kinds[3] = { Y, FILTER, X };
  if (!convArgs(env, info, "conv2dBackpropInput", 4, argv, names, kinds, &g, &z, a)) return NULL;
  const float *dy = a[0].data, *w = a[1].data;
  float *dx = a[2].data;
  if (atomic_load(&useDnnl) && g.Ci >= DNNL_MIN_DX_CHANNELS &&
      dnnlConv(CONV_BACKWARD_DATA, &g, dx, (float *)w, (float *)dy, NULL, 0, threadsPerCall())) return NULL;
  float *dcols = scratchFloats(z.scratch);
  if (!dcols) return outOfMemory(env, z.scratch);
  memset(dx, 0, (size_t)z.xLen * sizeof(float));
  const int K = (int)z.K, Co = (int)g.Co;
  for (Chunk c = { 0, 0, 0 }; nextChunk(&g, z.step, &c);) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)c.rows, K, Co, 1.f, dy + (size_t)(c.b0 * z.pix * g.Co), Co,
                w, Co, 0.f, dcols, K);
    col2imAdd(dcols, dx, &g, c.b0, c.b1);
  }
  return NULL;
}

/* maxPoolGrad(x, y, dy, dx, poolGeom) */
static napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) { napi_throw_error(env, NULL, "eecal native: maxPoolGrad takes 5 arguments"); return NULL; }
  int64_t v[POOL_GEOM_LEN];
  if (!argGeometry(env, argv[4], POOL_GEOM_LEN, "pool geometry", "[B,H,W,C,OH,OW,FH,FW,sh,sw,padTop,padLeft]", v)) return NULL;
  const PoolGeom p = { v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11] };
  uint64_t xn, yn;
  if (!checkAxis(env, "maxPoolGrad pool geometry", "height", p.H, p.OH, p.FH, p.sh, p.padTop) ||
      !checkAxis(env, "maxPoolGrad pool geometry", "width", p.W, p.OW, p.FW, p.sw, p.padLeft)) return NULL;
  if (!product(&xn, p.B, p.H, p.W, p.C) || !product(&yn, p.B, p.OH, p.OW, p.C)) {
    fail(env, "maxPoolGrad pool geometry: B·H·W·C or B·OH·OW·C exceeds %" PRIu64 " floats", MAX_FLOATS);
    return NULL;
  }
  Floats x, y, dy, dx;
  if (!argFloats(env, argv[0], "maxPoolGrad x", xn, &x) || !argFloats(env, argv[1], "maxPoolGrad y", yn, &y) ||
      !argFloats(env, argv[2], "maxPoolGrad dy", yn, &dy) || !argFloats(env, argv[3], "maxPoolGrad dx", xn, &dx) ||
      !checkNoAlias(env, "maxPoolGrad", &dx, "dx", &x, "x") || !checkNoAlias(env, "maxPoolGrad", &dx, "dx", &y, "y") ||
      !checkNoAlias(env, "maxPoolGrad", &dx, "dx", &dy, "dy")) return NULL;
  // y (each window's maximum) is checked like the other arrays but not read: the scan finds the argmax itself.
  (void)y;
  float *best = (float *)malloc((size_t)p.C * (sizeof(float) + sizeof(int32_t)));
  if (!best) { napi_throw_error(env, NULL, "eecal native: out of memory for maxPoolGrad's scratch"); return NULL; }
  if (p.FH * p.FW > INT32_MAX) { free(best); fail(env, "maxPoolGrad pool geometry: a window of FH·FW > %d positions", INT32_MAX); return NULL; }
  maxPoolGradScatter(x.data, dy.data, dx.data, &p, best, (int32_t *)(best + p.C));
  free(best);
  return NULL;
}


/*
 * adamUpdate(w, g, m, v, constants, decay): one Adam step in place on the weights w and moments m, v
 * from the gradient g, all Float32Arrays of one length; constants a Float32Array [β₁, β₂, 1−β₁,
 * 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr, weightDecay] of finite values (float32, as tfjs rounds them); decay 0 or
 * 1 adds weightDecay·w to g first. Bit-identical to tfjs's AdamOptimizer (see eecal_adam.c).
 */
static napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) { napi_throw_error(env, NULL, "eecal native: adamUpdate takes 6 arguments"); return NULL; }
  Floats w, g, m, v, c;
  Typed wt;
  if (!argTyped(env, argv[0], napi_float32_array, "Float32Array", "adamUpdate w", &wt)) return NULL;
  const size_t n = wt.len;
  w.data = (float *)wt.data;
  w.len = n;
  static const char *const names[3] = { "adamUpdate g", "adamUpdate m", "adamUpdate v" };
  Floats *rest[3] = { &g, &m, &v };
  for (int i = 0; i < 3; i++) {
    Typed t;
    if (!argTyped(env, argv[i + 1], napi_float32_array, "Float32Array", names[i], &t)) return NULL;
    if (t.len != n) { fail(env, "%s has %zu floats; w has %zu (one per weight)", names[i], t.len, n); return NULL; }
    rest[i]->data = (float *)t.data;
    rest[i]->len = n;
  }
  if (!checkNoAlias(env, "adamUpdate", &w, "w", &g, "g") || !checkNoAlias(env, "adamUpdate", &w, "w", &m, "m") ||
      !checkNoAlias(env, "adamUpdate", &w, "w", &v, "v") || !checkNoAlias(env, "adamUpdate", &m, "m", &g, "g") ||
      !checkNoAlias(env, "adamUpdate", &m, "m", &v, "v") || !checkNoAlias(env, "adamUpdate", &v, "v", &g, "g")) return NULL;
  if (!argFloats(env, argv[4], "adamUpdate constants", 9, &c)) return NULL;
  for (int i = 0; i < 9; i++) {
    if (!isfinite(c.data[i])) { fail(env, "adamUpdate constants[%d] must be finite", i); return NULL; }
  }
  int32_t decay;
  napi_valuetype t;
  if (napi_typeof(env, argv[5], &t) != napi_ok || t != napi_number || napi_get_value_int32(env, argv[5], &decay) != napi_ok || (decay != 0 && decay != 1)) {
    fail(env, "adamUpdate decay must be 0 or 1");
    return NULL;
  }
  const AdamConstants k = { c.data[0], c.data[1], c.data[2], c.data[3], c.data[4], c.data[5], c.data[6], c.data[7], c.data[8], decay };
  adamUpdate(w.data, g.data, m.data, v.data, (int64_t)n, &k);
  return NULL;
}

static int typedOverlap(const Typed *a, const Typed *b) {
  const uintptr_t a0 = (uintptr_t)a->data, a1 = a0 + a->bytes, b0 = (uintptr_t)b->data, b1 = b0 + b->bytes;
  return a->bytes && b->bytes && a0 < b1 && b0 < a1;
}

/* A boolean or 0/1 flag. */
static int argFlag(napi_env env, napi_value v, const char *what, int *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return fail(env, "%s: unreadable", what);
  if (t == napi_boolean) {
    bool b;
    if (napi_get_value_bool(env, v, &b) != napi_ok) return fail(env, "%s: unreadable", what);
    *out = b;
    return 1;
  }
  int32_t i;
  if (t != napi_number || napi_get_value_int32(env, v, &i) != napi_ok || (i != 0 && i != 1))
    return fail(env, "%s must be true, false, 0 or 1", what);
  *out = i;
  return 1;
}

/* The softmax kernels' numClasses (an integer from 1 to 2^20) and β (any number), or a thrown error naming `fn`. */
static int argClassesAndBeta(napi_env env, const char *fn, napi_value vC, napi_value vBeta, int32_t *C, double *beta) {
  napi_valuetype t;
  if (napi_typeof(env, vC, &t) != napi_ok || t != napi_number || napi_get_value_int32(env, vC, C) != napi_ok || *C < 1 || *C > (1 << 20))
    return fail(env, "%s numClasses must be an integer from 1 to 2^20", fn);
  if (napi_typeof(env, vBeta, &t) != napi_ok || t != napi_number || napi_get_value_double(env, vBeta, beta) != napi_ok)
    return fail(env, "%s beta must be a number", fn);
  return 1;
}

/*
 * temperatureNll(dt, labelShift, numClasses, drawn, beta, scratch, sums, scalarOnly): the torch-lbfgs
 * objective's sums over a resample's drawn rows (eecal_softmax.c). dt: Float64Array [numClasses × rows],
 * class-major, of the rows' max-shifted logits; labelShift: Float64Array [rows]; drawn: Int32Array of
 * row numbers < rows; scratch: Float64Array ≥ 2·rows; sums: Float64Array ≥ 2, receives Σ loss, Σ grad.
 */
static napi_value TemperatureNll(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) { napi_throw_error(env, NULL, "eecal native: temperatureNll takes 8 arguments"); return NULL; }
  Typed dt, ls, drawn, scratch, sums;
  if (!argTyped(env, argv[0], napi_float64_array, "Float64Array", "temperatureNll dt", &dt) ||
      !argTyped(env, argv[1], napi_float64_array, "Float64Array", "temperatureNll labelShift", &ls) ||
      !argTyped(env, argv[3], napi_int32_array, "Int32Array", "temperatureNll drawn", &drawn) ||
      !argTyped(env, argv[5], napi_float64_array, "Float64Array", "temperatureNll scratch", &scratch) ||
      !argTyped(env, argv[6], napi_float64_array, "Float64Array", "temperatureNll sums", &sums)) return NULL;
  int32_t C;
  double beta;
  if (!argClassesAndBeta(env, "temperatureNll", argv[2], argv[4], &C, &beta)) return NULL;
  int scalarOnly;
  if (!argFlag(env, argv[7], "temperatureNll scalarOnly", &scalarOnly)) return NULL;
  const uint64_t rows = ls.len;
  uint64_t cells;
  if (__builtin_mul_overflow(rows, (uint64_t)C, &cells) || cells != dt.len) {
    fail(env, "temperatureNll dt has %zu entries; numClasses × rows = %d × %" PRIu64 " expected", dt.len, C, rows);
    return NULL;
  }
  if (scratch.len / 2 < rows) { fail(env, "temperatureNll scratch has %zu entries; 2 × rows = 2 × %" PRIu64 " needed", scratch.len, rows); return NULL; }
  if (sums.len < 2) { fail(env, "temperatureNll sums has %zu entries; 2 needed", sums.len); return NULL; }
  const int32_t *d = (const int32_t *)drawn.data;
  for (size_t j = 0; j < drawn.len; j++)
    if (d[j] < 0 || (uint64_t)d[j] >= rows) { fail(env, "temperatureNll drawn[%zu] = %d: expected a row number from 0 to %" PRIu64, j, d[j], rows - 1); return NULL; }
  Typed outs[2] = { scratch, sums }, ins[3] = { dt, ls, drawn };
  for (int o = 0; o < 2; o++)
    for (int i = 0; i < 3; i++)
      if (typedOverlap(&outs[o], &ins[i])) { fail(env, "temperatureNll %s shares memory with an input; outputs must be separate arrays", o ? "sums" : "scratch"); return NULL; }
  if (typedOverlap(&scratch, &sums)) { fail(env, "temperatureNll scratch and sums share memory"); return NULL; }
  double *sc = (double *)scratch.data;
  temperatureNllSums((const double *)dt.data, (const double *)ls.data, C, (int64_t)rows, d, (int64_t)drawn.len, beta, sc, sc + rows,
                     (double *)sums.data, scalarOnly);
  return NULL;
}

/*
 * maxSoftmax(dt, numClasses, beta, conf, scalarOnly): conf[r] = 1 / Σ_k e^{β·dt[k·rows + r]} with
 * rows = conf.length, the max softmax of max-shifted logits (class-major) at temperature 1/β.
 */
static napi_value MaxSoftmax(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) { napi_throw_error(env, NULL, "eecal native: maxSoftmax takes 5 arguments"); return NULL; }
  Typed dt, conf;
  if (!argTyped(env, argv[0], napi_float64_array, "Float64Array", "maxSoftmax dt", &dt) ||
      !argTyped(env, argv[3], napi_float64_array, "Float64Array", "maxSoftmax conf", &conf)) return NULL;
  int32_t C;
  double beta;
  if (!argClassesAndBeta(env, "maxSoftmax", argv[1], argv[2], &C, &beta)) return NULL;
  int scalarOnly;
  if (!argFlag(env, argv[4], "maxSoftmax scalarOnly", &scalarOnly)) return NULL;
  uint64_t cells;
  if (__builtin_mul_overflow((uint64_t)conf.len, (uint64_t)C, &cells) || cells != dt.len) {
    fail(env, "maxSoftmax dt has %zu entries; numClasses × rows = %d × %zu expected", dt.len, C, conf.len);
    return NULL;
  }
  if (typedOverlap(&dt, &conf)) { fail(env, "maxSoftmax conf shares memory with dt; the output must be a separate array"); return NULL; }
  maxSoftmaxConfidences((const double *)dt.data, C, (int64_t)conf.len, beta, (double *)conf.data, scalarOnly);
  return NULL;
}

/* fdlibm(fn, x, y, scalarOnly): y[i] = e^x[i] (fn 0) or log x[i] (fn 1) as V8 computes them; for tests. */
static napi_value Fdlibm(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) { napi_throw_error(env, NULL, "eecal native: fdlibm takes 4 arguments"); return NULL; }
  int32_t fn;
  napi_valuetype t;
  if (napi_typeof(env, argv[0], &t) != napi_ok || t != napi_number || napi_get_value_int32(env, argv[0], &fn) != napi_ok || (fn != 0 && fn != 1)) {
    fail(env, "fdlibm fn must be 0 (exp) or 1 (log)");
    return NULL;
  }
  Typed x, y;
  if (!argTyped(env, argv[1], napi_float64_array, "Float64Array", "fdlibm x", &x) ||
      !argTyped(env, argv[2], napi_float64_array, "Float64Array", "fdlibm y", &y)) return NULL;
  if (y.len != x.len) { fail(env, "fdlibm y has %zu entries; x has %zu", y.len, x.len); return NULL; }
  if (typedOverlap(&x, &y) && x.data != y.data) { fail(env, "fdlibm y partly overlaps x"); return NULL; }
  int scalarOnly;
  if (!argFlag(env, argv[3], "fdlibm scalarOnly", &scalarOnly)) return NULL;
  fdlibmLanes(fn, (const double *)x.data, (double *)y.data, (int64_t)x.len, scalarOnly);
  return NULL;
}

/* A whole number from 0 to `max`, or a thrown error naming `what`. */
static int argCount(napi_env env, napi_value v, const char *what, int64_t max, int64_t *out) {
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) ||
      d > (double)max || d != floor(d))
    return fail(env, "%s must be a whole number from 0 to %" PRId64, what, max);
  *out = (int64_t)d;
  return 1;
}

/*
 * smoothModeSum(acc, spec, phi, E, from, to, scalarOnly): acc[k] += Σ_{m=from}^{to−1} spec[m]·phi[m·E + k]
 * for k < E (eecal_smooth.c), returning Σ_k |acc[k]|. acc: Float64Array ≥ E, not sharing memory with
 * spec (≥ to) or phi (≥ to·E).
 */
static napi_value SmoothModeSum(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) { napi_throw_error(env, NULL, "eecal native: smoothModeSum takes 7 arguments"); return NULL; }
  Typed acc, spec, phi;
  if (!argTyped(env, argv[0], napi_float64_array, "Float64Array", "smoothModeSum acc", &acc) ||
      !argTyped(env, argv[1], napi_float64_array, "Float64Array", "smoothModeSum spec", &spec) ||
      !argTyped(env, argv[2], napi_float64_array, "Float64Array", "smoothModeSum phi", &phi)) return NULL;
  int64_t E = 0, from = 0, to = 0;
  int scalarOnly = 0;
  if (!argCount(env, argv[3], "smoothModeSum E", INT32_MAX, &E) || !argCount(env, argv[4], "smoothModeSum from", INT32_MAX, &from) ||
      !argCount(env, argv[5], "smoothModeSum to", INT32_MAX, &to) || !argFlag(env, argv[6], "smoothModeSum scalarOnly", &scalarOnly))
    return NULL;
  if (from > to) { fail(env, "smoothModeSum from = %" PRId64 " exceeds to = %" PRId64, from, to); return NULL; }
  if ((uint64_t)E > acc.len) { fail(env, "smoothModeSum acc has %zu entries; E = %" PRId64 " needed", acc.len, E); return NULL; }
  if ((uint64_t)to > spec.len) { fail(env, "smoothModeSum spec has %zu entries; to = %" PRId64 " needed", spec.len, to); return NULL; }
  /* to, E < 2^31: the product fits 64 bits. */
  if ((uint64_t)(to * E) > phi.len) {
    fail(env, "smoothModeSum phi has %zu entries; to × E = %" PRId64 " × %" PRId64 " needed", phi.len, to, E);
    return NULL;
  }
  if (typedOverlap(&acc, &spec) || typedOverlap(&acc, &phi)) { fail(env, "smoothModeSum acc shares memory with spec or phi"); return NULL; }
  napi_value out;
  CHECK(napi_create_double(env, smoothModeSum((double *)acc.data, (const double *)spec.data, (const double *)phi.data, E, from, to, scalarOnly), &out));
  return out;
}

/*
 * smoothDenseSum(sum, num, nonzeroCells, nonzero, cells, rowOffset, rowLo, rowHi, rows, E, scalarOnly):
 * sum[k] = Σ_{r<nonzero} num[c]·rows[rowOffset[u] + k] with c = nonzeroCells[r], u = cells[c], over
 * rowLo[u] ≤ k < rowHi[u] (eecal_smooth.c), returning Σ_k |sum[k]|. Every index is checked first.
 */
static napi_value SmoothDenseSum(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 11) { napi_throw_error(env, NULL, "eecal native: smoothDenseSum takes 11 arguments"); return NULL; }
  Typed sum, num, nz, cells, off, lo, hi, rows;
  if (!argTyped(env, argv[0], napi_float64_array, "Float64Array", "smoothDenseSum sum", &sum) ||
      !argTyped(env, argv[1], napi_float64_array, "Float64Array", "smoothDenseSum num", &num) ||
      !argTyped(env, argv[2], napi_int32_array, "Int32Array", "smoothDenseSum nonzeroCells", &nz) ||
      !argTyped(env, argv[4], napi_int32_array, "Int32Array", "smoothDenseSum cells", &cells) ||
      !argTyped(env, argv[5], napi_int32_array, "Int32Array", "smoothDenseSum rowOffset", &off) ||
      !argTyped(env, argv[6], napi_int32_array, "Int32Array", "smoothDenseSum rowLo", &lo) ||
      !argTyped(env, argv[7], napi_int32_array, "Int32Array", "smoothDenseSum rowHi", &hi) ||
      !argTyped(env, argv[8], napi_float64_array, "Float64Array", "smoothDenseSum rows", &rows)) return NULL;
  int64_t nonzero = 0, E = 0;
  int scalarOnly = 0;
  if (!argCount(env, argv[3], "smoothDenseSum nonzero", INT32_MAX, &nonzero) || !argCount(env, argv[9], "smoothDenseSum E", INT32_MAX, &E) ||
      !argFlag(env, argv[10], "smoothDenseSum scalarOnly", &scalarOnly)) return NULL;
  if ((uint64_t)E > sum.len) { fail(env, "smoothDenseSum sum has %zu entries; E = %" PRId64 " needed", sum.len, E); return NULL; }
  if ((uint64_t)nonzero > nz.len) { fail(env, "smoothDenseSum nonzeroCells has %zu entries; nonzero = %" PRId64, nz.len, nonzero); return NULL; }
  if (lo.len != off.len || hi.len != off.len) { fail(env, "smoothDenseSum rowOffset, rowLo and rowHi must have the same length"); return NULL; }
  const int32_t *nzc = (const int32_t *)nz.data, *cl = (const int32_t *)cells.data, *of = (const int32_t *)off.data,
                *l = (const int32_t *)lo.data, *h = (const int32_t *)hi.data;
  for (int64_t r = 0; r < nonzero; r++) {
    const int32_t c = nzc[r];
    if (c < 0 || (uint64_t)c >= num.len || (uint64_t)c >= cells.len) {
      fail(env, "smoothDenseSum nonzeroCells[%" PRId64 "] = %d: expected a cell below %zu", r, c, num.len < cells.len ? num.len : cells.len);
      return NULL;
    }
    const int32_t u = cl[c];
    if (u < 0 || (uint64_t)u >= off.len) { fail(env, "smoothDenseSum cells[%d] = %d: expected a node below %zu", c, u, off.len); return NULL; }
    if (of[u] < 0 || (uint64_t)of[u] + (uint64_t)E > rows.len) {
      fail(env, "smoothDenseSum rowOffset[%d] = %d: the row's E = %" PRId64 " entries must lie in rows (%zu)", u, of[u], E, rows.len);
      return NULL;
    }
    if (l[u] < 0 || l[u] > h[u] || h[u] > E) { fail(env, "smoothDenseSum row %d's band [%d, %d) is not inside [0, %" PRId64 ")", u, l[u], h[u], E); return NULL; }
  }
  const Typed *ins[] = { &num, &nz, &cells, &off, &lo, &hi, &rows };
  for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
    if (typedOverlap(&sum, ins[i])) { fail(env, "smoothDenseSum sum shares memory with an input; it must be a separate array"); return NULL; }
  napi_value out;
  CHECK(napi_create_double(env, smoothDenseSum((double *)sum.data, (const double *)num.data, nzc, nonzero, cl, of, l, h, (const double *)rows.data, E, scalarOnly), &out));
  return out;
}

/*
 * smoothCosineGains(hs, h2, cosL, reach, L, gain, scalarOnly): the symmetrized kernel's cosine gains
 * gain[m], m = 0…L (eecal_smooth.c). hs, h2: Float64Array > reach entries; cosL: ≥ 2L; gain: ≥ L + 1.
 */
static napi_value SmoothCosineGains(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) { napi_throw_error(env, NULL, "eecal native: smoothCosineGains takes 7 arguments"); return NULL; }
  Typed hs, h2, cosL, gain;
  if (!argTyped(env, argv[0], napi_float64_array, "Float64Array", "smoothCosineGains hs", &hs) ||
      !argTyped(env, argv[1], napi_float64_array, "Float64Array", "smoothCosineGains h2", &h2) ||
      !argTyped(env, argv[2], napi_float64_array, "Float64Array", "smoothCosineGains cosL", &cosL) ||
      !argTyped(env, argv[5], napi_float64_array, "Float64Array", "smoothCosineGains gain", &gain)) return NULL;
  int64_t reach = 0, L = 0;
  int scalarOnly = 0;
  if (!argCount(env, argv[3], "smoothCosineGains reach", INT32_MAX, &reach) || !argCount(env, argv[4], "smoothCosineGains L", 1 << 28, &L) ||
      !argFlag(env, argv[6], "smoothCosineGains scalarOnly", &scalarOnly)) return NULL;
  if (L < 1) { fail(env, "smoothCosineGains L must be at least 1"); return NULL; }
  if ((uint64_t)reach >= hs.len || (uint64_t)reach >= h2.len) {
    fail(env, "smoothCosineGains hs and h2 need more than reach = %" PRId64 " entries (have %zu, %zu)", reach, hs.len, h2.len);
    return NULL;
  }
  if (cosL.len < (uint64_t)(2 * L)) { fail(env, "smoothCosineGains cosL has %zu entries; 2L = %" PRId64 " needed", cosL.len, 2 * L); return NULL; }
  if (gain.len < (uint64_t)(L + 1)) { fail(env, "smoothCosineGains gain has %zu entries; L + 1 = %" PRId64 " needed", gain.len, L + 1); return NULL; }
  if (typedOverlap(&gain, &hs) || typedOverlap(&gain, &h2) || typedOverlap(&gain, &cosL)) {
    fail(env, "smoothCosineGains gain shares memory with an input; it must be a separate array");
    return NULL;
  }
  smoothCosineGains((const double *)hs.data, (const double *)h2.data, (const double *)cosL.data, reach, L, (double *)gain.data, scalarOnly);
  return NULL;
}

/*
 * smoothColumnMasses(ker, rho, jLo, jHi, out, scalarOnly): every grid node's column mass (eecal_smooth.c);
 * ker and rho: Float64Array of G ≥ 2 finite entries, ker 0 outside [jLo, jHi]; out: ≥ G.
 */
static napi_value SmoothColumnMasses(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) { napi_throw_error(env, NULL, "eecal native: smoothColumnMasses takes 6 arguments"); return NULL; }
  Typed ker, rho, out;
  if (!argTyped(env, argv[0], napi_float64_array, "Float64Array", "smoothColumnMasses ker", &ker) ||
      !argTyped(env, argv[1], napi_float64_array, "Float64Array", "smoothColumnMasses rho", &rho) ||
      !argTyped(env, argv[4], napi_float64_array, "Float64Array", "smoothColumnMasses out", &out)) return NULL;
  int64_t jLo = 0, jHi = 0;
  int scalarOnly = 0;
  if (!argCount(env, argv[2], "smoothColumnMasses jLo", INT32_MAX, &jLo) || !argCount(env, argv[3], "smoothColumnMasses jHi", INT32_MAX, &jHi) ||
      !argFlag(env, argv[5], "smoothColumnMasses scalarOnly", &scalarOnly)) return NULL;
  const int64_t G = (int64_t)ker.len;
  if (G < 2 || G > (1 << 28)) { fail(env, "smoothColumnMasses ker has %zu entries; 2 to 2^28 expected", ker.len); return NULL; }
  if (rho.len != ker.len) { fail(env, "smoothColumnMasses rho has %zu entries; ker has %zu", rho.len, ker.len); return NULL; }
  if (out.len < ker.len) { fail(env, "smoothColumnMasses out has %zu entries; %zu needed", out.len, ker.len); return NULL; }
  if (jLo > jHi || jHi >= G) { fail(env, "smoothColumnMasses taps [%" PRId64 ", %" PRId64 "] are not inside [0, %" PRId64 ")", jLo, jHi, G); return NULL; }
  const double *k = (const double *)ker.data, *r = (const double *)rho.data;
  for (int64_t i = 0; i < G; i++) {
    /* The padded sums' extra terms are ±0 only for finite entries. */
    if (!isfinite(k[i]) || !isfinite(r[i])) {
      fail(env, "smoothColumnMasses ker[%" PRId64 "] = %g, rho[%" PRId64 "] = %g: expected finite numbers", i, k[i], i, r[i]);
      return NULL;
    }
    if ((i < jLo || i > jHi) && k[i] != 0) { fail(env, "smoothColumnMasses ker[%" PRId64 "] = %g lies outside the taps [%" PRId64 ", %" PRId64 "]", i, k[i], jLo, jHi); return NULL; }
  }
  if (typedOverlap(&out, &ker) || typedOverlap(&out, &rho)) { fail(env, "smoothColumnMasses out shares memory with an input; it must be a separate array"); return NULL; }
  if (!smoothColumnMasses(k, r, G, jLo, jHi, (double *)out.data, scalarOnly)) { fail(env, "smoothColumnMasses: out of memory"); return NULL; }
  return NULL;
}

/*
 * smoothWeightRows(ker, lower, w, nodes, count, rowOffset, rowLo, rowHi, rows, scalarOnly): the dense weight rows
 * of the nodes nodes[0…count) over the E = lower.length evaluation points (eecal_smooth.c), row u at
 * rows[rowOffset[u] …]; every index is checked first.
 */
static napi_value SmoothWeightRows(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 10) { napi_throw_error(env, NULL, "eecal native: smoothWeightRows takes 10 arguments"); return NULL; }
  Typed ker, lower, w, nodes, off, lo, hi, rows;
  if (!argTyped(env, argv[0], napi_float64_array, "Float64Array", "smoothWeightRows ker", &ker) ||
      !argTyped(env, argv[1], napi_int32_array, "Int32Array", "smoothWeightRows lower", &lower) ||
      !argTyped(env, argv[2], napi_float64_array, "Float64Array", "smoothWeightRows w", &w) ||
      !argTyped(env, argv[3], napi_int32_array, "Int32Array", "smoothWeightRows nodes", &nodes) ||
      !argTyped(env, argv[5], napi_int32_array, "Int32Array", "smoothWeightRows rowOffset", &off) ||
      !argTyped(env, argv[6], napi_int32_array, "Int32Array", "smoothWeightRows rowLo", &lo) ||
      !argTyped(env, argv[7], napi_int32_array, "Int32Array", "smoothWeightRows rowHi", &hi) ||
      !argTyped(env, argv[8], napi_float64_array, "Float64Array", "smoothWeightRows rows", &rows)) return NULL;
  int64_t count = 0;
  int scalarOnly = 0;
  if (!argCount(env, argv[4], "smoothWeightRows count", INT32_MAX, &count) || !argFlag(env, argv[9], "smoothWeightRows scalarOnly", &scalarOnly))
    return NULL;
  const int64_t G = (int64_t)ker.len, E = (int64_t)lower.len;
  if (G < 2 || G > (1 << 28)) { fail(env, "smoothWeightRows ker has %zu entries; 2 to 2^28 expected", ker.len); return NULL; }
  if (w.len != lower.len) { fail(env, "smoothWeightRows w has %zu entries; lower has %zu", w.len, lower.len); return NULL; }
  if ((uint64_t)count > nodes.len) { fail(env, "smoothWeightRows nodes has %zu entries; count = %" PRId64, nodes.len, count); return NULL; }
  if (off.len != ker.len || lo.len != ker.len || hi.len != ker.len) {
    fail(env, "smoothWeightRows rowOffset, rowLo and rowHi must have one entry per grid node (%zu)", ker.len);
    return NULL;
  }
  const int32_t *lw = (const int32_t *)lower.data, *nd = (const int32_t *)nodes.data, *of = (const int32_t *)off.data;
  for (int64_t k = 0; k < E; k++)
    if (lw[k] < 0 || lw[k] > G - 2) { fail(env, "smoothWeightRows lower[%" PRId64 "] = %d: expected a node from 0 to %" PRId64, k, lw[k], G - 2); return NULL; }
  for (int64_t r = 0; r < count; r++) {
    const int32_t u = nd[r];
    if (u < 0 || u >= G) { fail(env, "smoothWeightRows nodes[%" PRId64 "] = %d: expected a node below %" PRId64, r, u, G); return NULL; }
    if (of[u] < 0 || (uint64_t)of[u] + (uint64_t)E > rows.len) {
      fail(env, "smoothWeightRows rowOffset[%d] = %d: the row's %" PRId64 " entries must lie in rows (%zu)", u, of[u], E, rows.len);
      return NULL;
    }
  }
  const Typed *ins[] = { &ker, &lower, &w, &nodes, &off };
  const Typed *outs[] = { &lo, &hi, &rows };
  for (size_t o = 0; o < 3; o++)
    for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
      if (typedOverlap(outs[o], ins[i])) { fail(env, "smoothWeightRows outputs must not share memory with inputs"); return NULL; }
  smoothWeightRows((const double *)ker.data, G, lw, (const double *)w.data, E, nd, count, of, (int32_t *)lo.data, (int32_t *)hi.data,
                   (double *)rows.data, scalarOnly);
  return NULL;
}

/*
 * smoothSpecCoefficients(spec, num, nonzeroCells, nonzero, cosTab, cap, from, to, scalarOnly): a
 * resample's cosine coefficients spec[m], from ≤ m < to ≤ cap, of its nonzero cells (eecal_smooth.c),
 * cell c's modes at cosTab[c·cap …]; every index is checked first.
 */
static napi_value SmoothSpecCoefficients(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 9) { napi_throw_error(env, NULL, "eecal native: smoothSpecCoefficients takes 9 arguments"); return NULL; }
  Typed spec, num, nz, tab;
  if (!argTyped(env, argv[0], napi_float64_array, "Float64Array", "smoothSpecCoefficients spec", &spec) ||
      !argTyped(env, argv[1], napi_float64_array, "Float64Array", "smoothSpecCoefficients num", &num) ||
      !argTyped(env, argv[2], napi_int32_array, "Int32Array", "smoothSpecCoefficients nonzeroCells", &nz) ||
      !argTyped(env, argv[4], napi_float64_array, "Float64Array", "smoothSpecCoefficients cosTab", &tab)) return NULL;
  int64_t nonzero = 0, cap = 0, from = 0, to = 0;
  int scalarOnly = 0;
  if (!argCount(env, argv[3], "smoothSpecCoefficients nonzero", INT32_MAX, &nonzero) ||
      !argCount(env, argv[5], "smoothSpecCoefficients cap", INT32_MAX, &cap) ||
      !argCount(env, argv[6], "smoothSpecCoefficients from", INT32_MAX, &from) ||
      !argCount(env, argv[7], "smoothSpecCoefficients to", INT32_MAX, &to) ||
      !argFlag(env, argv[8], "smoothSpecCoefficients scalarOnly", &scalarOnly)) return NULL;
  if (from > to || to > cap) { fail(env, "smoothSpecCoefficients modes [%" PRId64 ", %" PRId64 ") are not inside [0, cap = %" PRId64 ")", from, to, cap); return NULL; }
  if ((uint64_t)to > spec.len) { fail(env, "smoothSpecCoefficients spec has %zu entries; to = %" PRId64 " needed", spec.len, to); return NULL; }
  if ((uint64_t)nonzero > nz.len) { fail(env, "smoothSpecCoefficients nonzeroCells has %zu entries; nonzero = %" PRId64, nz.len, nonzero); return NULL; }
  const int32_t *nzc = (const int32_t *)nz.data;
  for (int64_t r = 0; r < nonzero; r++) {
    const int32_t c = nzc[r];
    /* c < 2^31 and cap < 2^31: the product fits 64 bits. */
    if (c < 0 || (uint64_t)c >= num.len || (uint64_t)((int64_t)c * cap + cap) > tab.len) {
      fail(env, "smoothSpecCoefficients nonzeroCells[%" PRId64 "] = %d: expected a cell below %zu with its %" PRId64 " modes in cosTab (%zu)", r, c,
           num.len, cap, tab.len);
      return NULL;
    }
  }
  if (typedOverlap(&spec, &num) || typedOverlap(&spec, &nz) || typedOverlap(&spec, &tab)) {
    fail(env, "smoothSpecCoefficients spec shares memory with an input; it must be a separate array");
    return NULL;
  }
  smoothSpecCoefficients((double *)spec.data, (const double *)num.data, nzc, nonzero, (const double *)tab.data, cap, from, to, scalarOnly);
  return NULL;
}

/*
 * smoothSpread(counts, lowerCell, frac, residual, cells, G, num, den, nonzeroCells, weightedCells, out):
 * a resample's points spread onto a grid's touched cells (eecal_smooth.c). counts, lowerCell, frac,
 * residual: one entry per point (counts ≥ 0, lowerCell c with c + 1 a cell); cells, num, den,
 * nonzeroCells, weightedCells: one per cell (cells are grid nodes < G); out: 4 entries. Checked first.
 */
static napi_value SmoothSpread(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 11) { napi_throw_error(env, NULL, "eecal native: smoothSpread takes 11 arguments"); return NULL; }
  Typed counts, lower, frac, res, cells, num, den, nz, wc, out;
  if (!argTyped(env, argv[0], napi_int32_array, "Int32Array", "smoothSpread counts", &counts) ||
      !argTyped(env, argv[1], napi_int32_array, "Int32Array", "smoothSpread lowerCell", &lower) ||
      !argTyped(env, argv[2], napi_float64_array, "Float64Array", "smoothSpread frac", &frac) ||
      !argTyped(env, argv[3], napi_float64_array, "Float64Array", "smoothSpread residual", &res) ||
      !argTyped(env, argv[4], napi_int32_array, "Int32Array", "smoothSpread cells", &cells) ||
      !argTyped(env, argv[6], napi_float64_array, "Float64Array", "smoothSpread num", &num) ||
      !argTyped(env, argv[7], napi_float64_array, "Float64Array", "smoothSpread den", &den) ||
      !argTyped(env, argv[8], napi_int32_array, "Int32Array", "smoothSpread nonzeroCells", &nz) ||
      !argTyped(env, argv[9], napi_int32_array, "Int32Array", "smoothSpread weightedCells", &wc) ||
      !argTyped(env, argv[10], napi_float64_array, "Float64Array", "smoothSpread out", &out)) return NULL;
  int64_t G = 0;
  if (!argCount(env, argv[5], "smoothSpread G", INT32_MAX, &G)) return NULL;
  const size_t N = counts.len, nc = cells.len;
  if (lower.len != N || frac.len != N || res.len != N) {
    fail(env, "smoothSpread lowerCell, frac and residual must have one entry per point (%zu)", N);
    return NULL;
  }
  if (num.len != nc || den.len != nc || nz.len < nc || wc.len < nc) {
    fail(env, "smoothSpread num and den must have one entry per cell (%zu), nonzeroCells and weightedCells at least one", nc);
    return NULL;
  }
  if (out.len < 4) { fail(env, "smoothSpread out has %zu entries; 4 needed", out.len); return NULL; }
  const int32_t *cn = (const int32_t *)counts.data, *lc = (const int32_t *)lower.data, *cl = (const int32_t *)cells.data;
  for (size_t i = 0; i < N; i++) {
    if (cn[i] < 0) { fail(env, "smoothSpread counts[%zu] = %d: expected a multiplicity ≥ 0", i, cn[i]); return NULL; }
    if (lc[i] < 0 || (size_t)lc[i] + 1 >= nc) { fail(env, "smoothSpread lowerCell[%zu] = %d: expected a cell below %zu", i, lc[i], nc ? nc - 1 : 0); return NULL; }
  }
  for (size_t c = 0; c < nc; c++)
    if (cl[c] < 0 || cl[c] >= G) { fail(env, "smoothSpread cells[%zu] = %d: expected a node below G = %" PRId64, c, cl[c], G); return NULL; }
  const Typed *ins[] = { &counts, &lower, &frac, &res, &cells };
  const Typed *outs[] = { &num, &den, &nz, &wc, &out };
  for (size_t o = 0; o < 5; o++) {
    for (size_t i = 0; i < 5; i++)
      if (typedOverlap(outs[o], ins[i])) { fail(env, "smoothSpread outputs must not share memory with inputs"); return NULL; }
    for (size_t p = o + 1; p < 5; p++)
      if (typedOverlap(outs[o], outs[p])) { fail(env, "smoothSpread outputs must be separate arrays"); return NULL; }
  }
  smoothSpread(cn, (int64_t)N, lc, (const double *)frac.data, (const double *)res.data, cl, (int64_t)nc, G, (double *)num.data,
               (double *)den.data, (int32_t *)nz.data, (int32_t *)wc.data, (double *)out.data);
  return NULL;
}

/* The most BLAS threads a process may ask for: the CPUs online, at most 64. */
static int maxBlasThreads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  return n > 64 ? 64 : (int)n;
}

/*
 * The LRN arguments after the arrays: (channels, depthRadius, bias, alpha, beta), each a finite
 * number; channels and depthRadius whole, C ≥ 1, 0 ≤ r ≤ 2^20 (tfjs's own limit is far below).
 */
static int argLrnParams(napi_env env, const char *fn, napi_value *argv, LrnParams *p) {
  double v[5];
  static const char *const names[5] = { "channels", "depthRadius", "bias", "alpha", "beta" };
  for (int i = 0; i < 5; i++) {
    napi_valuetype t;
    if (napi_typeof(env, argv[i], &t) != napi_ok || t != napi_number || napi_get_value_double(env, argv[i], &v[i]) != napi_ok || !isfinite(v[i])) {
      return fail(env, "%s %s must be a finite number", fn, names[i]);
    }
  }
  if (!(v[0] >= 1 && v[0] <= (double)INT32_MAX && v[0] == floor(v[0]))) return fail(env, "%s channels must be a whole number from 1 to %d", fn, INT32_MAX);
  if (!(v[1] >= 0 && v[1] <= (1 << 20) && v[1] == floor(v[1]))) return fail(env, "%s depthRadius must be a whole number from 0 to %d", fn, 1 << 20);
  *p = (LrnParams){ (int64_t)v[0], (int64_t)v[1], v[2], v[3], v[4] };
  return 1;
}

/* A Float32Array of any length that is a whole number of pixels (len % C == 0); *len receives it. */
static int argPixels(napi_env env, napi_value v, const char *what, int64_t C, int64_t need, Floats *out) {
  if (!argFloats(env, v, what, 0, out)) return 0;
  size_t len;
  napi_typedarray_type type;
  void *ptr;
  napi_value buf;
  size_t off;
  napi_get_typedarray_info(env, v, &type, &len, &ptr, &buf, &off);
  if (need >= 0 && (int64_t)len != need) return fail(env, "%s has %zu floats; x has %" PRId64, what, len, need);
  if ((int64_t)(len % (size_t)C) != 0) return fail(env, "%s has %zu floats, not a whole number of %" PRId64 "-channel pixels", what, len, C);
  out->len = len;
  return 1;
}

/* lrn(x, y, channels, depthRadius, bias, alpha, beta) */
static napi_value Lrn(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) { napi_throw_error(env, NULL, "eecal native: lrn takes 7 arguments"); return NULL; }
  LrnParams p;
  Floats x, y;
  if (!argLrnParams(env, "lrn", argv + 2, &p) || !argPixels(env, argv[0], "lrn x", p.C, -1, &x) ||
      !argPixels(env, argv[1], "lrn y", p.C, (int64_t)x.len, &y) || !checkNoAlias(env, "lrn", &y, "y", &x, "x")) return NULL;
  double *scratch = (double *)malloc((size_t)(2 * p.C + 2 * p.r) * sizeof(double));
  if (!scratch) { napi_throw_error(env, NULL, "eecal native: out of memory for lrn's scratch"); return NULL; }
  memset(scratch, 0, (size_t)(p.C + 2 * p.r) * sizeof(double));
  lrnForward(x.data, y.data, (int64_t)x.len, &p, scratch);
  free(scratch);
  return NULL;
}

/* lrnGrad(x, y, dy, dx, channels, depthRadius, bias, alpha, beta) */
static napi_value LrnGrad(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 9) { napi_throw_error(env, NULL, "eecal native: lrnGrad takes 9 arguments"); return NULL; }
  LrnParams p;
  Floats x, y, dy, dx;
  if (!argLrnParams(env, "lrnGrad", argv + 4, &p) || !argPixels(env, argv[0], "lrnGrad x", p.C, -1, &x) ||
      !argPixels(env, argv[1], "lrnGrad y", p.C, (int64_t)x.len, &y) || !argPixels(env, argv[2], "lrnGrad dy", p.C, (int64_t)x.len, &dy) ||
      !argPixels(env, argv[3], "lrnGrad dx", p.C, (int64_t)x.len, &dx) || !checkNoAlias(env, "lrnGrad", &dx, "dx", &x, "x") ||
      !checkNoAlias(env, "lrnGrad", &dx, "dx", &y, "y") || !checkNoAlias(env, "lrnGrad", &dx, "dx", &dy, "dy")) return NULL;
  const size_t padded = (size_t)(p.C + 2 * p.r);
  double *scratch = (double *)calloc(2 * padded + 2 * (size_t)p.C, sizeof(double));
  if (!scratch) { napi_throw_error(env, NULL, "eecal native: out of memory for lrnGrad's scratch"); return NULL; }
  lrnGradient(x.data, y.data, dy.data, dx.data, (int64_t)x.len, &p, scratch);
  free(scratch);
  return NULL;
}

/* sumRows(x, out): out[c] = Σ_r x[r·C + c], C = out.length, x a whole number of rows. */
static napi_value SumRows(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) { napi_throw_error(env, NULL, "eecal native: sumRows takes 2 arguments"); return NULL; }
  Floats out, x;
  Typed ot;
  if (!argTyped(env, argv[1], napi_float32_array, "Float32Array", "sumRows out", &ot)) return NULL;
  const size_t C = ot.len;
  out.data = (float *)ot.data;
  if (C < 1) { fail(env, "sumRows out must have at least 1 float (one per column)"); return NULL; }
  if (!argPixels(env, argv[0], "sumRows x", (int64_t)C, -1, &x)) return NULL;
  out.len = C;
  if (!checkNoAlias(env, "sumRows", &out, "out", &x, "x")) return NULL;
  double *acc = (double *)malloc(C * sizeof(double));
  if (!acc) { napi_throw_error(env, NULL, "eecal native: out of memory for sumRows's scratch"); return NULL; }
  sumRows(x.data, out.data, (int64_t)(x.len / C), (int64_t)C, acc);
  free(acc);
  return NULL;
}

/*
 * matMul(a, b, out, dims): out[i] = op(a[i]) · op(b[i]) for each of `batch` matrices, one OpenBLAS
 * sgemm each with the transposes as flags; dims Int32Array [batch, M, K, N, transposeA,
 * transposeB]: a[i] is M×K (K×M when transposed), b[i] K×N (N×K), out[i] M×N, all row-major. Why:
 * the dense layers' gradients carry a transpose flag, and tfjs-backend-wasm's fast path takes only
 * untransposed operands (eecal's JS composite copies the transpose first).
 */
static napi_value MatMul(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) { napi_throw_error(env, NULL, "eecal native: matMul takes 4 arguments"); return NULL; }
  int64_t d[6];
  if (!argGeometry(env, argv[3], 6, "matMul dims", "[batch,M,K,N,transposeA,transposeB]", d)) return NULL;
  const int64_t batch = d[0], M = d[1], K = d[2], N = d[3];
  const int ta = d[4] != 0, tb = d[5] != 0;
  if (d[4] > 1 || d[5] > 1) { fail(env, "matMul dims: transposeA and transposeB must be 0 or 1"); return NULL; }
  uint64_t an, bn, on;
  if (!product(&an, batch, M, K, 1) || !product(&bn, batch, K, N, 1) || !product(&on, batch, M, N, 1)) {
    fail(env, "matMul dims: an array size exceeds %" PRIu64 " floats", MAX_FLOATS);
    return NULL;
  }
  if (M > INT_MAX || K > INT_MAX || N > INT_MAX) { fail(env, "matMul dims: M, K and N must each be at most %d (BLAS's int)", INT_MAX); return NULL; }
  Floats a, b, out;
  if (!argFloats(env, argv[0], "matMul a", an, &a) || !argFloats(env, argv[1], "matMul b", bn, &b) || !argFloats(env, argv[2], "matMul out", on, &out) ||
      !checkNoAlias(env, "matMul", &out, "out", &a, "a") || !checkNoAlias(env, "matMul", &out, "out", &b, "b")) return NULL;
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K, 1.f,
                a.data + i * M * K, ta ? (int)M : (int)K, b.data + i * K * N, tb ? (int)K : (int)N, 0.f, out.data + i * M * N, (int)N);
  }
  return NULL;
}

/*
 * setThreads(n): BLAS threads per call (1 when data-parallel workers already use every core),
 * 1 ≤ n ≤ maxBlasThreads(). The first call sets it for the process; a later call with the same n
 * is a no-op (every worker thread loads the module), one with another n is refused.
 */
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_valuetype t = napi_undefined;
  double d = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) CHECK(napi_typeof(env, argv[0], &t));
  if (t == napi_number) CHECK(napi_get_value_double(env, argv[0], &d));
  const int max = maxBlasThreads();
  if (!(d >= 1 && d <= max && d == (double)(int)d)) {
    fail(env, "BLAS threads must be a whole number from 1 to %d (the CPUs online, at most 64)", max);
    return NULL;
  }
  const int n = (int)d;
  int expected = 0;
  if (atomic_compare_exchange_strong(&blasThreads, &expected, n)) {
    openblas_set_num_threads(n);
  } else if (expected != n) {
    fail(env, "BLAS threads are already %d in this process (set once, by the first load); cannot change to %d", expected, n);
  }
  return NULL;
}

/* setConvLibrary(name): 'onednn' (the default when built in) or 'openblas' for every convolution. */
static napi_value SetConvLibrary(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char name[16] = "";
  size_t len = 0;
  napi_valuetype t = napi_undefined;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) CHECK(napi_typeof(env, argv[0], &t));
  if (t == napi_string) CHECK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len));
  if (strcmp(name, "openblas") == 0) {
    atomic_store(&useDnnl, 0);
  } else if (strcmp(name, "onednn") == 0) {
    if (!dnnlDescription()) { fail(env, "setConvLibrary: this build has no oneDNN (install libdnnl-dev and rebuild: npm run build:native)"); return NULL; }
    atomic_store(&useDnnl, 1);
  } else {
    fail(env, "setConvLibrary: expected 'onednn' or 'openblas'");
  }
  return NULL;
}

static int setString(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  if (napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) != napi_ok) return 0;
  return napi_set_named_property(env, obj, key, v) == napi_ok;
}

/*
 * info(): { blas: OpenBLAS's build configuration, dnnl: oneDNN's version or null, threads,
 * maxThreads, kernels: { conv2d, conv2dBackpropFilter, conv2dBackpropInput, maxPoolGrad } } —
 * the last says which library runs each entry point now, for `eecal doctor`.
 */
static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, threads, maxThreads, dnnl, kernels;
  const char *dnnlName = dnnlDescription();
  const int dnnlOn = dnnlName && atomic_load(&useDnnl);
  char gemm[160], dx[200];
  snprintf(gemm, sizeof gemm, "OpenBLAS sgemm (im2col)");
  snprintf(dx, sizeof dx, "%s (from %d input channels), else OpenBLAS sgemm (im2col)", dnnlName ? dnnlName : "", DNNL_MIN_DX_CHANNELS);
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_object(env, &kernels));
  if (!setString(env, obj, "blas", openblas_get_config())) return NULL;
  if (dnnlName) { if (!setString(env, obj, "dnnl", dnnlName)) return NULL; }
  else { CHECK(napi_get_null(env, &dnnl)); CHECK(napi_set_named_property(env, obj, "dnnl", dnnl)); }
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &threads));
  CHECK(napi_create_int32(env, maxBlasThreads(), &maxThreads));
  CHECK(napi_set_named_property(env, obj, "threads", threads));
  CHECK(napi_set_named_property(env, obj, "maxThreads", maxThreads));
  if (!setString(env, kernels, "conv2d", dnnlOn ? dnnlName : gemm) || !setString(env, kernels, "conv2dBackpropFilter", dnnlOn ? dnnlName : gemm) ||
      !setString(env, kernels, "conv2dBackpropInput", dnnlOn ? dx : gemm) || !setString(env, kernels, "maxPoolGrad", "C scan") ||
      !setString(env, kernels, "lrn", "C") || !setString(env, kernels, "lrnGrad", "C gather") || !setString(env, kernels, "sum", "C row sum") ||
      !setString(env, kernels, "matMul", "OpenBLAS sgemm") || !setString(env, kernels, "temperatureNll", temperatureNllPath()) ||
      !setString(env, kernels, "smoothEce", smoothSumsPath())) return NULL;
  CHECK(napi_set_named_property(env, obj, "kernels", kernels));
  return obj;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor fns[] = {
    { "conv2d", NULL, Conv2d, NULL, NULL, NULL, napi_default, NULL },
    { "conv2dBackpropFilter", NULL, Conv2dBackpropFilter, NULL, NULL, NULL, napi_default, NULL },
    { "conv2dBackpropInput", NULL, Conv2dBackpropInput, NULL, NULL, NULL, napi_default, NULL },
    { "maxPoolGrad", NULL, MaxPoolGrad, NULL, NULL, NULL, napi_default, NULL },
    { "lrn", NULL, Lrn, NULL, NULL, NULL, napi_default, NULL },
    { "lrnGrad", NULL, LrnGrad, NULL, NULL, NULL, napi_default, NULL },
    { "sumRows", NULL, SumRows, NULL, NULL, NULL, napi_default, NULL },
    { "matMul", NULL, MatMul, NULL, NULL, NULL, napi_default, NULL },
    { "adamUpdate", NULL, AdamUpdate, NULL, NULL, NULL, napi_default, NULL },
    { "temperatureNll", NULL, TemperatureNll, NULL, NULL, NULL, napi_default, NULL },
    { "fdlibm", NULL, Fdlibm, NULL, NULL, NULL, napi_default, NULL },
    { "maxSoftmax", NULL, MaxSoftmax, NULL, NULL, NULL, napi_default, NULL },
    { "smoothModeSum", NULL, SmoothModeSum, NULL, NULL, NULL, napi_default, NULL },
    { "smoothDenseSum", NULL, SmoothDenseSum, NULL, NULL, NULL, napi_default, NULL },
    { "smoothCosineGains", NULL, SmoothCosineGains, NULL, NULL, NULL, napi_default, NULL },
    { "smoothColumnMasses", NULL, SmoothColumnMasses, NULL, NULL, NULL, napi_default, NULL },
    { "smoothWeightRows", NULL, SmoothWeightRows, NULL, NULL, NULL, napi_default, NULL },
    { "smoothSpecCoefficients", NULL, SmoothSpecCoefficients, NULL, NULL, NULL, napi_default, NULL },
    { "smoothSpread", NULL, SmoothSpread, NULL, NULL, NULL, napi_default, NULL },
    { "setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL },
    { "setConvLibrary", NULL, SetConvLibrary, NULL, NULL, NULL, napi_default, NULL },
    { "info", NULL, Info, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns) != napi_ok) return NULL;
  /*
   * Node refuses (aborts on) a second cleanup hook with the same function and argument in one
   * environment, and loading the module again (a cleared require cache, another copy of eecal)
   * runs this init again there. So each load registers its own token as the argument; the hook
   * frees it. Every hook frees the thread's scratch; the second finds it already freed.
   */
  void *token = malloc(1);
  if (!token) {
    napi_throw_error(env, NULL, "eecal native: out of memory while loading");
    return NULL;
  }
  if (napi_add_env_cleanup_hook(env, freeScratch, token) != napi_ok) {
    free(token);
    return NULL;
  }
  return exports;
}
