/*
 * eecal's convolutions on oneDNN (Debian: libdnnl-dev), the library PyTorch's CPU path uses: direct
 * JIT convolutions with AVX-512 code paths, on tfjs's own layouts (x and y NHWC as they are; the
 * small filter reordered to oneDNN's blocked layout and back on each call).
 *
 * Why: on the 2-core AVX-512 CI machine, a same-process comparison over B-AlexNet's eight
 * convolution shapes at batch 32 (one replica's half of a batch of 64) measured, in ms summed over
 * the shapes, forward 6.8 vs 21.5, weight gradient 7.0 vs 27.1 and input gradient (without the
 * first layer's) ≈ 8 vs ≈ 23 for oneDNN vs im2col + OpenBLAS (OPENBLAS_CORETYPE=Haswell, as set
 * there). One exception: the input gradient of a layer with few input channels (the first layer,
 * Ci = 3) is 6× slower in oneDNN, whose blocked layout pads channels to 16; eecal_blas.c keeps
 * that case (and any geometry oneDNN refuses) on OpenBLAS.
 *
 * Built only with -DEECAL_DNNL (native/build.sh does when oneDNN's headers and library are
 * there); otherwise dnnlConv always returns 0.
 *
 * Threads: every Node worker thread gets its own engine, stream and primitives (thread-local), so
 * replicas never share oneDNN state; each sets its OpenMP team to the process's BLAS thread count.
 */
#include "eecal_native.h"
#include <stddef.h>
#include <stdlib.h>

#ifndef EECAL_DNNL

int dnnlConv(ConvKind kind, const Geom *g, float *x, float *w, float *y, const float *bias, int act, int threads) {
  (void)kind; (void)g; (void)x; (void)w; (void)y; (void)bias; (void)act; (void)threads;
  return 0;
}
const char *dnnlDescription(void) { return NULL; }
void dnnlFreeThread(void) {}

#else

#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

/* One cached convolution: its key, primitive, and the filter's reorder to/from oneDNN's layout. */
typedef struct {
  int used;
  ConvKind kind;
  Geom g;
  int act, hasBias;
  dnnl_primitive_t conv;
  dnnl_primitive_t reorder;     /* filter hwio → blocked (forward, dX) or blocked → hwio (dW); NULL if none needed */
  dnnl_memory_t src, dst, wUser, wInner, bias;
} Entry;

/* Primitives per thread: B-AlexNet has 8 convolution shapes × 3 kinds, plus a smaller last batch. */
enum { CACHE = 64 };

typedef struct {
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  int threads;
  int next;
  Entry e[CACHE];
} ThreadState;

static _Thread_local ThreadState *state = NULL;

static void freeEntry(Entry *e) {
  if (!e->used) return;
  dnnl_primitive_destroy(e->conv);
  if (e->reorder) dnnl_primitive_destroy(e->reorder);
  dnnl_memory_destroy(e->src);
  dnnl_memory_destroy(e->dst);
  dnnl_memory_destroy(e->wUser);
  if (e->wInner) dnnl_memory_destroy(e->wInner);
  if (e->bias) dnnl_memory_destroy(e->bias);
  memset(e, 0, sizeof *e);
}

void dnnlFreeThread(void) {
  if (!state) return;
  for (int i = 0; i < CACHE; i++) freeEntry(&state->e[i]);
  dnnl_stream_destroy(state->stream);
  dnnl_engine_destroy(state->engine);
  free(state);
  state = NULL;
}

static ThreadState *threadState(int threads) {
  if (!state) {
    ThreadState *s = (ThreadState *)calloc(1, sizeof *s);
    if (!s) return NULL;
    if (dnnl_engine_create(&s->engine, dnnl_cpu, 0) != dnnl_success) { free(s); return NULL; }
    if (dnnl_stream_create(&s->stream, s->engine, dnnl_stream_default_flags) != dnnl_success) {
      dnnl_engine_destroy(s->engine);
      free(s);
      return NULL;
    }
    state = s;
  }
  if (state->threads != threads) {
    /* Per thread (an OpenMP ICV of the calling thread): replicas run one team each, not one per core each. */
    omp_set_num_threads(threads);
    state->threads = threads;
  }
  return state;
}

static const char *description = NULL;
static char descriptionBuf[96];

const char *dnnlDescription(void) {
  if (!description) {
    const dnnl_version_t *v = dnnl_version();
    snprintf(descriptionBuf, sizeof descriptionBuf, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
    description = descriptionBuf;
  }
  return description;
}

static int md4(dnnl_memory_desc_t *m, int64_t a, int64_t b, int64_t c, int64_t d, dnnl_format_tag_t tag) {
  dnnl_dims_t dims = { a, b, c, d };
  return dnnl_memory_desc_init_by_tag(m, 4, dims, dnnl_f32, tag) == dnnl_success;
}

static int sameKey(const Entry *e, ConvKind kind, const Geom *g, int act, int hasBias) {
  return e->used && e->kind == kind && e->act == act && e->hasBias == hasBias && memcmp(&e->g, g, sizeof *g) == 0;
}

/* Creates the primitive(s) of one convolution into `e`; 0 if oneDNN refuses it. */
static int build(ThreadState *s, Entry *e, ConvKind kind, const Geom *g, int act, int hasBias) {
  dnnl_memory_desc_t src, dst, wAny, wUser, bias;
  /* oneDNN's dims are logical NCHW / OIHW whatever the layout tag. */
  if (!md4(&src, g->B, g->Ci, g->H, g->W, dnnl_nhwc) || !md4(&dst, g->B, g->Co, g->OH, g->OW, dnnl_nhwc) ||
      !md4(&wAny, g->Co, g->Ci, g->KH, g->KW, dnnl_format_tag_any) || !md4(&wUser, g->Co, g->Ci, g->KH, g->KW, dnnl_hwio)) return 0;
  dnnl_dims_t bdims = { g->Co };
  if (dnnl_memory_desc_init_by_tag(&bias, 1, bdims, dnnl_f32, dnnl_a) != dnnl_success) return 0;
  /* The trailing pads that give OH and OW (tfjs's floor rule; a negative one means rows left unread). */
  int64_t padBottom = (g->OH - 1) * g->sh + g->KH - g->H - g->padTop, padRight = (g->OW - 1) * g->sw + g->KW - g->W - g->padLeft;
  if (padBottom < 0) padBottom = 0;
  if (padRight < 0) padRight = 0;
  dnnl_dims_t strides = { g->sh, g->sw }, padL = { g->padTop, g->padLeft }, padR = { padBottom, padRight };

  dnnl_convolution_desc_t fd, cd;
  if (dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, dnnl_convolution_direct, &src, &wAny,
                                         hasBias ? &bias : NULL, &dst, strides, padL, padR) != dnnl_success) return 0;
  dnnl_primitive_attr_t attr = NULL;
  if (kind == CONV_FORWARD && act) {
    dnnl_post_ops_t po;
    if (dnnl_primitive_attr_create(&attr) != dnnl_success) return 0;
    if (dnnl_post_ops_create(&po) != dnnl_success) { dnnl_primitive_attr_destroy(attr); return 0; }
    dnnl_post_ops_append_eltwise(po, 1.f, act == 1 ? dnnl_eltwise_relu : dnnl_eltwise_clip, 0.f, act == 1 ? 0.f : 6.f);
    dnnl_primitive_attr_set_post_ops(attr, po);
    dnnl_post_ops_destroy(po);
  }
  dnnl_primitive_desc_t fpd = NULL, pd = NULL;
  dnnl_status_t st = dnnl_primitive_desc_create(&fpd, &fd, attr, s->engine, NULL);
  if (attr) dnnl_primitive_attr_destroy(attr);
  if (st != dnnl_success) return 0;
  if (kind == CONV_FORWARD) {
    pd = fpd;
    fpd = NULL;
  } else {
    if (kind == CONV_BACKWARD_DATA) st = dnnl_convolution_backward_data_desc_init(&cd, dnnl_convolution_direct, &src, &wAny, &dst, strides, padL, padR);
    else st = dnnl_convolution_backward_weights_desc_init(&cd, dnnl_convolution_direct, &src, &wAny, NULL, &dst, strides, padL, padR);
    if (st == dnnl_success) st = dnnl_primitive_desc_create(&pd, &cd, NULL, s->engine, fpd);
    dnnl_primitive_desc_destroy(fpd);
    if (st != dnnl_success) return 0;
  }
  const dnnl_memory_desc_t *wInner = dnnl_primitive_desc_query_md(pd, kind == CONV_BACKWARD_WEIGHTS ? dnnl_query_diff_weights_md : dnnl_query_weights_md, 0);
  memset(e, 0, sizeof *e);
  int ok = dnnl_primitive_create(&e->conv, pd) == dnnl_success;
  ok = ok && dnnl_memory_create(&e->src, &src, s->engine, DNNL_MEMORY_NONE) == dnnl_success;
  ok = ok && dnnl_memory_create(&e->dst, &dst, s->engine, DNNL_MEMORY_NONE) == dnnl_success;
  ok = ok && dnnl_memory_create(&e->wUser, &wUser, s->engine, DNNL_MEMORY_NONE) == dnnl_success;
  if (ok && hasBias) ok = dnnl_memory_create(&e->bias, &bias, s->engine, DNNL_MEMORY_NONE) == dnnl_success;
  if (ok && !dnnl_memory_desc_equal(wInner, &wUser)) {
    dnnl_primitive_desc_t rpd;
    ok = (kind == CONV_BACKWARD_WEIGHTS ? dnnl_reorder_primitive_desc_create(&rpd, wInner, s->engine, &wUser, s->engine, NULL)
                                        : dnnl_reorder_primitive_desc_create(&rpd, &wUser, s->engine, wInner, s->engine, NULL)) == dnnl_success;
    if (ok) {
      ok = dnnl_primitive_create(&e->reorder, rpd) == dnnl_success;
      dnnl_primitive_desc_destroy(rpd);
    }
    ok = ok && dnnl_memory_create(&e->wInner, wInner, s->engine, DNNL_MEMORY_ALLOCATE) == dnnl_success;
  }
  dnnl_primitive_desc_destroy(pd);
  e->used = 1;
  if (!ok) { freeEntry(e); return 0; }
  e->kind = kind;
  e->g = *g;
  e->act = act;
  e->hasBias = hasBias;
  return 1;
}

int dnnlConv(ConvKind kind, const Geom *g, float *x, float *w, float *y, const float *bias, int act, int threads) {
  ThreadState *s = threadState(threads);
  if (!s) return 0;
  const int hasBias = kind == CONV_FORWARD && bias != NULL;
  if (kind != CONV_FORWARD) act = 0;
  Entry *e = NULL;
  for (int i = 0; i < CACHE && !e; i++) if (sameKey(&s->e[i], kind, g, act, hasBias)) e = &s->e[i];
  if (!e) {
    e = &s->e[s->next];
    s->next = (s->next + 1) % CACHE;
    freeEntry(e);
    if (!build(s, e, kind, g, act, hasBias)) return 0;
  }
  dnnl_memory_set_data_handle(e->src, x);
  dnnl_memory_set_data_handle(e->dst, y);
  dnnl_memory_set_data_handle(e->wUser, w);
  if (hasBias) dnnl_memory_set_data_handle(e->bias, (void *)bias);
  dnnl_memory_t wConv = e->reorder ? e->wInner : e->wUser;
  if (e->reorder && kind != CONV_BACKWARD_WEIGHTS) {
    dnnl_exec_arg_t r[] = { { DNNL_ARG_FROM, e->wUser }, { DNNL_ARG_TO, e->wInner } };
    if (dnnl_primitive_execute(e->reorder, s->stream, 2, r) != dnnl_success) return 0;
  }
  dnnl_status_t st;
  if (kind == CONV_FORWARD) {
    dnnl_exec_arg_t a[] = { { DNNL_ARG_SRC, e->src }, { DNNL_ARG_WEIGHTS, wConv }, { DNNL_ARG_DST, e->dst }, { DNNL_ARG_BIAS, e->bias } };
    st = dnnl_primitive_execute(e->conv, s->stream, hasBias ? 4 : 3, a);
  } else if (kind == CONV_BACKWARD_DATA) {
    dnnl_exec_arg_t a[] = { { DNNL_ARG_DIFF_SRC, e->src }, { DNNL_ARG_WEIGHTS, wConv }, { DNNL_ARG_DIFF_DST, e->dst } };
    st = dnnl_primitive_execute(e->conv, s->stream, 3, a);
  } else {
    dnnl_exec_arg_t a[] = { { DNNL_ARG_SRC, e->src }, { DNNL_ARG_DIFF_WEIGHTS, wConv }, { DNNL_ARG_DIFF_DST, e->dst } };
    st = dnnl_primitive_execute(e->conv, s->stream, 3, a);
    if (st == dnnl_success && e->reorder) {
      dnnl_exec_arg_t r[] = { { DNNL_ARG_FROM, e->wInner }, { DNNL_ARG_TO, e->wUser } };
      st = dnnl_primitive_execute(e->reorder, s->stream, 2, r);
    }
  }
  if (st == dnnl_success) st = dnnl_stream_wait(s->stream);
  return st == dnnl_success;
}

#endif
