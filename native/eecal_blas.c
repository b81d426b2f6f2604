/*
 * eecal's optional native kernels: the three 2-D convolutions of training (forward, dW, dX) as
 * im2col + one BLAS GEMM per chunk of images, and the max-pool gradient as a C loop, run on the
 * tensors' own memory (for the wasm backend, Float32Array views of the wasm heap: no copies in or
 * out).
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
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <math.h>

/* OpenBLAS's own controls (declared in its cblas.h; repeated for other CBLAS headers' sake). */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);

typedef struct {
  int B, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, padTop, padLeft;
} Geom;

enum { GEOM_LEN = 13 };

/* The im2col scratch of the calling thread: training workers are threads of one process. */
static _Thread_local float *scratch = NULL;
static _Thread_local size_t scratchLen = 0;

/*
 * Frees the calling thread's scratch. Registered as each Node environment's cleanup hook, which
 * runs on that environment's thread as it ends: a worker replica's scratch (up to a chunk of
 * im2col columns, more for large images) goes with the worker instead of leaking.
 */
static void freeScratch(void *unused) {
  (void)unused;
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
 * (rows·K floats) stay near 2 MiB, so im2col's writes are still in cache when the GEMM reads them.
 */
static int imagesPerChunk(const Geom *g) {
  const size_t K = (size_t)g->KH * g->KW * g->Ci;
  const size_t pix = (size_t)g->OH * g->OW;
  size_t rows = (2u << 20) / (K * sizeof(float));
  if (rows < 256) rows = 256;
  size_t n = rows / (pix ? pix : 1);
  if (n < 1) n = 1;
  if (n > (size_t)g->B) n = (size_t)g->B;
  return (int)n;
}

/* One chunk of images [b0, b1): its first output row offset is b0·OH·OW, it has `rows` rows. */
typedef struct { int b0, b1, rows; } Chunk;

/* Advances `c` to the next chunk of `step` images; 0 after the last. Start from a zeroed Chunk. */
static int nextChunk(const Geom *g, int step, Chunk *c) {
  c->b0 = c->b1;
  if (c->b0 >= g->B) return 0;
  c->b1 = c->b0 + step < g->B ? c->b0 + step : g->B;
  c->rows = (c->b1 - c->b0) * g->OH * g->OW;
  return 1;
}

static void im2col(const float *x, float *cols, const Geom *g, int b0, int b1) {
  const int H = g->H, W = g->W, Ci = g->Ci, KH = g->KH, KW = g->KW;
  const size_t run = (size_t)KW * Ci;
  float *out = cols;
  for (int b = b0; b < b1; b++) {
    const float *xb = x + (size_t)b * H * W * Ci;
    for (int oh = 0; oh < g->OH; oh++) {
      const int ih0 = oh * g->sh - g->padTop;
      for (int ow = 0; ow < g->OW; ow++) {
        const int iw0 = ow * g->sw - g->padLeft;
        const int inside = iw0 >= 0 && iw0 + KW <= W;
        for (int kh = 0; kh < KH; kh++) {
          const int ih = ih0 + kh;
          if (ih < 0 || ih >= H) {
            memset(out, 0, run * sizeof(float));
          } else if (inside) {
            memcpy(out, xb + ((size_t)ih * W + iw0) * Ci, run * sizeof(float));
          } else {
            for (int kw = 0; kw < KW; kw++) {
              const int iw = iw0 + kw;
              if (iw < 0 || iw >= W) memset(out + (size_t)kw * Ci, 0, Ci * sizeof(float));
              else memcpy(out + (size_t)kw * Ci, xb + ((size_t)ih * W + iw) * Ci, Ci * sizeof(float));
            }
          }
          out += run;
        }
      }
    }
  }
}

/* dx[b,ih,iw,:] += dcols[row,(kh,kw),:] for every tap inside the image (the adjoint of im2col). */
static void col2imAdd(const float *dcols, float *dx, const Geom *g, int b0, int b1) {
  const int H = g->H, W = g->W, Ci = g->Ci, KH = g->KH, KW = g->KW;
  const size_t run = (size_t)KW * Ci;
  const float *in = dcols;
  for (int b = b0; b < b1; b++) {
    float *xb = dx + (size_t)b * H * W * Ci;
    for (int oh = 0; oh < g->OH; oh++) {
      const int ih0 = oh * g->sh - g->padTop;
      for (int ow = 0; ow < g->OW; ow++) {
        const int iw0 = ow * g->sw - g->padLeft;
        const int inside = iw0 >= 0 && iw0 + KW <= W;
        for (int kh = 0; kh < KH; kh++, in += run) {
          const int ih = ih0 + kh;
          if (ih < 0 || ih >= H) continue;
          if (inside) {
            float *d = xb + ((size_t)ih * W + iw0) * Ci;
            for (size_t i = 0; i < run; i++) d[i] += in[i];
          } else {
            for (int kw = 0; kw < KW; kw++) {
              const int iw = iw0 + kw;
              if (iw < 0 || iw >= W) continue;
              float *d = xb + ((size_t)ih * W + iw) * Ci;
              const float *s = in + (size_t)kw * Ci;
              for (int c = 0; c < Ci; c++) d[c] += s[c];
            }
          }
        }
      }
    }
  }
}

enum Activation { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2 };

static void biasActivation(float *y, size_t rows, int Co, const float *bias, int act) {
  for (size_t r = 0; r < rows; r++) {
    float *v = y + r * Co;
    if (bias) for (int c = 0; c < Co; c++) v[c] += bias[c];
    if (act == ACT_RELU) for (int c = 0; c < Co; c++) v[c] = v[c] > 0.f ? v[c] : 0.f;
    else if (act == ACT_RELU6) for (int c = 0; c < Co; c++) v[c] = v[c] < 0.f ? 0.f : (v[c] > 6.f ? 6.f : v[c]);
  }
}

/*
 * dx of a 2-D max-pooling (NHWC): every window sends its dy to its first maximum in row-major
 * order among in-bounds positions (tfjs cpu's tie-breaking; see maxPoolGrad.ts). y holds each
 * window's maximum exactly, so the first x equal to it is the argmax and the scan stops there; a
 * window whose y is not found (NaN) falls back to a strict-'>' scan, so the result never depends
 * on y. (Walking each window with the channels innermost, each keeping its first match, reads
 * contiguously but cannot stop early: it measured slower than JavaScript in `bench:train`.)
 * Pool geometry: [B,H,W,C,OH,OW,FH,FW,sh,sw,padTop,padLeft].
 */
static void maxPoolGradScatter(const float *x, const float *y, const float *dy, float *dx, const int32_t *p) {
  const int B = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], FH = p[6], FW = p[7];
  const int sh = p[8], sw = p[9], padTop = p[10], padLeft = p[11];
  memset(dx, 0, (size_t)B * H * W * C * sizeof(float));
  for (int b = 0; b < B; b++) {
    const size_t xb = (size_t)b * H * W * C;
    for (int oh = 0; oh < OH; oh++) {
      const int r0 = oh * sh - padTop;
      const int rMin = r0 > 0 ? r0 : 0, rMax = r0 + FH < H ? r0 + FH : H;
      for (int ow = 0; ow < OW; ow++) {
        const int c0 = ow * sw - padLeft;
        const int cMin = c0 > 0 ? c0 : 0, cMax = c0 + FW < W ? c0 + FW : W;
        const size_t yb = (((size_t)b * OH + oh) * OW + ow) * C;
        for (int d = 0; d < C; d++) {
          const float target = y[yb + d];
          ptrdiff_t pos = -1;
          for (int r = rMin; r < rMax && pos < 0; r++) {
            for (int c = cMin; c < cMax; c++) {
              const size_t i = xb + ((size_t)r * W + c) * C + d;
              if (x[i] == target) { pos = (ptrdiff_t)i; break; }
            }
          }
          if (pos < 0) {
            float best = -INFINITY;
            for (int r = rMin; r < rMax; r++) {
              for (int c = cMin; c < cMax; c++) {
                const size_t i = xb + ((size_t)r * W + c) * C + d;
                if (x[i] > best) { best = x[i]; pos = (ptrdiff_t)i; }
              }
            }
          }
          if (pos >= 0) dx[pos] += dy[yb + d];
        }
      }
    }
  }
}

/* ---- N-API plumbing: arguments are Float32Arrays (views; never copied) and an Int32Array geometry. */

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "eecal native: N-API call failed: " #call); return NULL; } } while (0)

static int argFloats(napi_env env, napi_value v, const char *what, size_t need, float **data) {
  napi_typedarray_type type;
  size_t len;
  void *ptr;
  napi_value buf;
  size_t off;
  bool isTa = false;
  if (napi_is_typedarray(env, v, &isTa) != napi_ok || !isTa ||
      napi_get_typedarray_info(env, v, &type, &len, &ptr, &buf, &off) != napi_ok || type != napi_float32_array) {
    char msg[160];
    snprintf(msg, sizeof msg, "eecal native: %s must be a Float32Array", what);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  if (len < need) {
    char msg[200];
    snprintf(msg, sizeof msg, "eecal native: %s has %zu floats; the geometry needs %zu", what, len, need);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  *data = (float *)ptr;
  return 1;
}

/*
 * An Int32Array geometry of at least `n` entries, the first `n − pads` ≥ 1 and the last `pads` ≥ 0;
 * errors name it as `what` with its `layout`.
 */
static const int32_t *argGeometry(napi_env env, napi_value v, int n, int pads, const char *what, const char *layout) {
  napi_typedarray_type type;
  size_t len, off;
  void *ptr;
  napi_value buf;
  bool isTa = false;
  char msg[200];
  if (napi_is_typedarray(env, v, &isTa) != napi_ok || !isTa ||
      napi_get_typedarray_info(env, v, &type, &len, &ptr, &buf, &off) != napi_ok || type != napi_int32_array || len < (size_t)n) {
    snprintf(msg, sizeof msg, "eecal native: %s must be an Int32Array %s", what, layout);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  const int32_t *a = (const int32_t *)ptr;
  for (int i = 0; i < n; i++) {
    if (a[i] < (i >= n - pads ? 0 : 1)) {
      snprintf(msg, sizeof msg, "eecal native: %s %s: entries must be ≥ 1 (pads ≥ 0)", what, layout);
      napi_throw_range_error(env, NULL, msg);
      return NULL;
    }
  }
  return a;
}

static int argGeom(napi_env env, napi_value v, Geom *g) {
  const int32_t *a = argGeometry(env, v, GEOM_LEN, 2, "geometry", "[B,H,W,Ci,OH,OW,Co,KH,KW,sh,sw,padTop,padLeft]");
  if (!a) return 0;
  memcpy(g, a, sizeof *g);
  return 1;
}

static size_t xLen(const Geom *g) { return (size_t)g->B * g->H * g->W * g->Ci; }
static size_t yLen(const Geom *g) { return (size_t)g->B * g->OH * g->OW * g->Co; }
static size_t wLen(const Geom *g) { return (size_t)g->KH * g->KW * g->Ci * g->Co; }

static napi_value outOfMemory(napi_env env) {
  napi_throw_error(env, NULL, "eecal native: out of memory for the im2col scratch");
  return NULL;
}

enum Operand { X, Y, FILTER };

static size_t operandLen(const Geom *g, enum Operand k) { return k == X ? xLen(g) : k == Y ? yLen(g) : wLen(g); }

/*
 * The arguments of a convolution entry point `fn`: (a, b, c, geom, ...extra) where a, b, c are
 * Float32Arrays named `names` and sized by the geometry as `kinds` say. Fills `argv` (argc of
 * them), the geometry and the three arrays; 0 with a JS exception pending on bad input.
 */
static int convArgs(napi_env env, napi_callback_info info, const char *fn, size_t argc, napi_value *argv,
                    const char *const names[3], const enum Operand kinds[3], Geom *g, float *arrays[3]) {
  size_t got = argc;
  if (napi_get_cb_info(env, info, &got, argv, NULL, NULL) != napi_ok) return 0;
  char msg[160];
  if (got < argc) {
    snprintf(msg, sizeof msg, "eecal native: %s takes %zu arguments", fn, argc);
    napi_throw_error(env, NULL, msg);
    return 0;
  }
  if (!argGeom(env, argv[3], g)) return 0;
  for (int i = 0; i < 3; i++) {
    snprintf(msg, sizeof msg, "%s %s", fn, names[i]);
    if (!argFloats(env, argv[i], msg, operandLen(g, kinds[i]), &arrays[i])) return 0;
  }
  return 1;
}

/* conv2d(x, filter, y, geom, bias|null, activation) */
static napi_value Conv2d(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  Geom g;
  float *a[3], *bias = NULL;
  int32_t act = 0;
  static const char *const names[3] = { "x", "filter", "y" };
  static const enum Operand kinds[3] = { X, FILTER, Y };
  if (!convArgs(env, info, "conv2d", 6, argv, names, kinds, &g, a)) return NULL;
  float *x = a[0], *w = a[1], *y = a[2];
  napi_valuetype bt;
  CHECK(napi_typeof(env, argv[4], &bt));
  if (bt != napi_null && bt != napi_undefined && !argFloats(env, argv[4], "conv2d bias", (size_t)g.Co, &bias)) return NULL;
  CHECK(napi_get_value_int32(env, argv[5], &act));
  const int K = g.KH * g.KW * g.Ci, pix = g.OH * g.OW, step = imagesPerChunk(&g);
  float *cols = scratchFloats((size_t)step * pix * K);
  if (!cols) return outOfMemory(env);
  for (Chunk c = { 0, 0, 0 }; nextChunk(&g, step, &c);) {
    float *yc = y + (size_t)c.b0 * pix * g.Co;
    im2col(x, cols, &g, c.b0, c.b1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c.rows, g.Co, K, 1.f, cols, K, w, g.Co, 0.f, yc, g.Co);
    if (bias || act) biasActivation(yc, (size_t)c.rows, g.Co, bias, act);
  }
  return NULL;
}

/* conv2dBackpropFilter(x, dy, dw, geom) */
static napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Geom g;
  float *a[3];
  static const char *const names[3] = { "x", "dy", "dw" };
  static const enum Operand kinds[3] = { X, Y, FILTER };
  if (!convArgs(env, info, "conv2dBackpropFilter", 4, argv, names, kinds, &g, a)) return NULL;
  float *x = a[0], *dy = a[1], *dw = a[2];
  const int K = g.KH * g.KW * g.Ci, pix = g.OH * g.OW, step = imagesPerChunk(&g);
  float *cols = scratchFloats((size_t)step * pix * K);
  if (!cols) return outOfMemory(env);
  for (Chunk c = { 0, 0, 0 }; nextChunk(&g, step, &c);) {
    im2col(x, cols, &g, c.b0, c.b1);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, g.Co, c.rows, 1.f, cols, K,
                dy + (size_t)c.b0 * pix * g.Co, g.Co, c.b0 == 0 ? 0.f : 1.f, dw, g.Co);
  }
  return NULL;
}

/* conv2dBackpropInput(dy, filter, dx, geom) */
static napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Geom g;
  float *a[3];
  static const char *const names[3] = { "dy", "filter", "dx" };
  static const enum Operand kinds[3] = { Y, FILTER, X };
  if (!convArgs(env, info, "conv2dBackpropInput", 4, argv, names, kinds, &g, a)) return NULL;
  float *dy = a[0], *w = a[1], *dx = a[2];
  const int K = g.KH * g.KW * g.Ci, pix = g.OH * g.OW, step = imagesPerChunk(&g);
  float *dcols = scratchFloats((size_t)step * pix * K);
  if (!dcols) return outOfMemory(env);
  memset(dx, 0, xLen(&g) * sizeof(float));
  for (Chunk c = { 0, 0, 0 }; nextChunk(&g, step, &c);) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, c.rows, K, g.Co, 1.f, dy + (size_t)c.b0 * pix * g.Co, g.Co,
                w, g.Co, 0.f, dcols, K);
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
  const int32_t *p = argGeometry(env, argv[4], 12, 2, "pool geometry", "[B,H,W,C,OH,OW,FH,FW,sh,sw,padTop,padLeft]");
  if (!p) return NULL;
  const size_t xn = (size_t)p[0] * p[1] * p[2] * p[3], yn = (size_t)p[0] * p[4] * p[5] * p[3];
  float *x, *y, *dy, *dx;
  if (!argFloats(env, argv[0], "maxPoolGrad x", xn, &x) || !argFloats(env, argv[1], "maxPoolGrad y", yn, &y) ||
      !argFloats(env, argv[2], "maxPoolGrad dy", yn, &dy) || !argFloats(env, argv[3], "maxPoolGrad dx", xn, &dx)) return NULL;
  maxPoolGradScatter(x, y, dy, dx, p);
  return NULL;
}

/* setThreads(n): BLAS threads per call (1 when data-parallel workers already use every core). */
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n = 1;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) CHECK(napi_get_value_int32(env, argv[0], &n));
  if (n < 1) n = 1;
  openblas_set_num_threads(n);
  return NULL;
}

/* info(): { blas: OpenBLAS's build configuration, threads } for `eecal doctor`. */
static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, blas, threads;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &blas));
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &threads));
  CHECK(napi_set_named_property(env, obj, "blas", blas));
  CHECK(napi_set_named_property(env, obj, "threads", threads));
  return obj;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor fns[] = {
    { "conv2d", NULL, Conv2d, NULL, NULL, NULL, napi_default, NULL },
    { "conv2dBackpropFilter", NULL, Conv2dBackpropFilter, NULL, NULL, NULL, napi_default, NULL },
    { "conv2dBackpropInput", NULL, Conv2dBackpropInput, NULL, NULL, NULL, napi_default, NULL },
    { "maxPoolGrad", NULL, MaxPoolGrad, NULL, NULL, NULL, napi_default, NULL },
    { "setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL },
    { "info", NULL, Info, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns) != napi_ok) return NULL;
  if (napi_add_env_cleanup_hook(env, freeScratch, NULL) != napi_ok) return NULL;
  return exports;
}
