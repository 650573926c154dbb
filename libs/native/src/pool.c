// 2-D max and average pooling, NHWC, and the average pool's input gradient, with tfjs' semantics (issue 13:
// Inception-v3's 3×3 pools and the U-Net's 2×2 downsampling gradient ran 3–5 ms per call on one wasm thread). Each
// output pixel's window is clipped to the image, and its channels are reduced in register blocks of 64 and 16
// (AVX-512/AVX2 clones; one thread: avgPool 3×3 at [8, 35, 35, 192] 1.0 → 0.6 ms against accumulating in memory);
// output rows (batch × height) are split over threads (parallel.h), so batch 1 is threaded too.
//   max: the largest valid value (NaN inputs are skipped, as tfjs' `pixel > max` does; an empty window gives −Inf);
//   avg: the sum over valid positions ÷ their count (padding excluded; an empty window gives NaN, 0/0);
//   avg gradient: dx[y, x] = Σ dy[i, j] over the windows that contain (y, x), × 1/(fh·fw) — tfjs' cpu and wasm kernels
//   use that constant multiplier even where a 'same' window was clipped, so this does too.
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "common.h"
#include "parallel.h"

#define POOL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// Lets gcc turn the max's `p > o ? p : o` into maxps (with trapping math it keeps a branch and does not vectorise);
// only floating-point exception flags can differ.
#pragma GCC optimize("no-trapping-math")

// Geometry (a Float64Array of 12: n, h, w, c, ho, wo, fh, fw, sh, sw, pt, pl), read like conv.c's.
typedef struct {
  int64_t n, h, w, c, ho, wo, fh, fw, sh, sw, pt, pl;
} Pool;

static int get_pool(napi_env env, napi_value v, Pool *p) {
  Array a;
  if (!get_array(env, v, napi_float64_array, &a) || a.length != 12) return 0;
  const double *d = a.data;
  int64_t *f = &p->n;
  for (int i = 0; i < 12; i++) {
    f[i] = (int64_t)d[i];
    if (f[i] < 0 || f[i] > INT32_MAX || (double)f[i] != d[i]) return 0;
  }
  return p->fh > 0 && p->fw > 0 && p->sh > 0 && p->sw > 0;
}

static inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

// ⌊a / b⌋ for b > 0 (C's / truncates toward zero).
static inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

typedef struct {
  const Pool *p;
  int avg;  // 0 max, 1 average; for the gradient unused
  const float *in;
  float *out;
} PoolJob;

// 16 floats: one AVX-512 register (two AVX2 or four SSE registers in the other clones); aligned(4) allows unaligned
// loads and stores through it, as in conv.c.
typedef float v16f __attribute__((vector_size(64), aligned(4)));
typedef int32_t v16i __attribute__((vector_size(64), aligned(4)));

// 16·NV channels of one output pixel, the window's running max or sum kept in registers (one store per pixel, where
// accumulating in o[] loads and stores it once per window position). p > acc selects p, so NaN never wins (tfjs).
static inline __attribute__((always_inline)) void pool_block(const float *xb, int64_t W, int64_t C, int64_t y0, int64_t y1, int64_t x0,
                                                             int64_t x1, int avg, float *o, const int NV) {
  v16f acc[4];
  for (int v = 0; v < NV; v++) acc[v] = (v16f){0} + (avg ? 0.0f : -INFINITY);
  for (int64_t y = y0; y < y1; y++)
    for (int64_t x = x0; x < x1; x++) {
      const v16f *p = (const v16f *)(xb + (y * W + x) * C);
      for (int v = 0; v < NV; v++) {
        if (avg) {
          acc[v] += p[v];
        } else {
          v16i m = p[v] > acc[v];
          acc[v] = (v16f)(((v16i)p[v] & m) | ((v16i)acc[v] & ~m));
        }
      }
    }
  if (avg) {
    const float count = (float)((y1 - y0) * (x1 - x0));
    for (int v = 0; v < NV; v++) acc[v] /= count;
  }
  v16f *out = (v16f *)o;
  for (int v = 0; v < NV; v++) out[v] = acc[v];
}

// One output pixel of the forward: the window [y0, y1) × [x0, x1) of sample image xb, C channels into o; blocks of
// 64 and 16 channels in registers, the rest (C mod 16) channel by channel.
POOL_CLONES static void pool_pixel(const float *xb, int64_t W, int64_t C, int64_t y0, int64_t y1, int64_t x0, int64_t x1, int avg, float *o) {
  int64_t c0 = 0;
  for (; c0 + 64 <= C; c0 += 64) pool_block(xb + c0, W, C, y0, y1, x0, x1, avg, o + c0, 4);
  for (; c0 + 16 <= C; c0 += 16) pool_block(xb + c0, W, C, y0, y1, x0, x1, avg, o + c0, 1);
  if (c0 == C) return;
  if (avg) {
    for (int64_t c = c0; c < C; c++) o[c] = 0;
    for (int64_t y = y0; y < y1; y++)
      for (int64_t x = x0; x < x1; x++) {
        const float *p = xb + (y * W + x) * C;
        for (int64_t c = c0; c < C; c++) o[c] += p[c];
      }
    const float count = (float)((y1 - y0) * (x1 - x0));
    for (int64_t c = c0; c < C; c++) o[c] /= count;
  } else {
    for (int64_t c = c0; c < C; c++) o[c] = -INFINITY;
    for (int64_t y = y0; y < y1; y++)
      for (int64_t x = x0; x < x1; x++) {
        const float *p = xb + (y * W + x) * C;
        for (int64_t c = c0; c < C; c++) o[c] = p[c] > o[c] ? p[c] : o[c];
      }
  }
}

// Output rows [r0, r1) (r = n·Ho + i) of the forward.
static void pool_rows(void *ctx, int64_t r0, int64_t r1, int t) {
  const PoolJob *j = ctx;
  const Pool *p = j->p;
  for (int64_t r = r0; r < r1; r++) {
    int64_t n = r / p->ho, i = r % p->ho;
    int64_t y0 = max64(0, i * p->sh - p->pt), y1 = min64(p->h, i * p->sh - p->pt + p->fh);
    const float *xb = j->in + n * p->h * p->w * p->c;
    for (int64_t k = 0; k < p->wo; k++) {
      int64_t x0 = max64(0, k * p->sw - p->pl), x1 = min64(p->w, k * p->sw - p->pl + p->fw);
      pool_pixel(xb, p->w, p->c, y0, max64(y0, y1), x0, max64(x0, x1), j->avg, j->out + (r * p->wo + k) * p->c);
    }
  }
}

// dx over input rows [r0, r1) (r = n·H + y): each pixel gathers dy over the outputs whose windows hold it.
POOL_CLONES static void avg_grad_rows(void *ctx, int64_t r0, int64_t r1, int t) {
  const PoolJob *j = ctx;
  const Pool *p = j->p;
  const int64_t C = p->c;
  const float scale = (float)(1.0 / (double)(p->fh * p->fw));
  for (int64_t r = r0; r < r1; r++) {
    int64_t n = r / p->h, y = r % p->h;
    // Outputs i with i·sh − pt ≤ y < i·sh − pt + fh.
    int64_t i0 = max64(0, floor_div(y + p->pt - p->fh, p->sh) + 1), i1 = min64(p->ho, floor_div(y + p->pt, p->sh) + 1);
    const float *dyb = j->in + n * p->ho * p->wo * C;
    for (int64_t x = 0; x < p->w; x++) {
      int64_t k0 = max64(0, floor_div(x + p->pl - p->fw, p->sw) + 1), k1 = min64(p->wo, floor_div(x + p->pl, p->sw) + 1);
      float *o = j->out + (r * p->w + x) * C;
      for (int64_t c = 0; c < C; c++) o[c] = 0;
      for (int64_t i = i0; i < i1; i++)
        for (int64_t k = k0; k < k1; k++) {
          const float *d = dyb + (i * p->wo + k) * C;
          for (int64_t c = 0; c < C; c++) o[c] += d[c];
        }
      for (int64_t c = 0; c < C; c++) o[c] *= scale;
    }
  }
}

// Shared argument handling: (g, in, out) with in/out sized [n, h, w, c] / [n, ho, wo, c] (swapped for the gradient).
static napi_value pool_call(napi_env env, napi_callback_info info, int op, const char *name) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Pool p;
  Array in, out;
  if (argc != 3 || !get_pool(env, argv[0], &p) || !get_array(env, argv[1], napi_float32_array, &in) ||
      !get_array(env, argv[2], napi_float32_array, &out)) {
    napi_throw_range_error(env, NULL, name);
    return NULL;
  }
  int64_t xs = p.n * p.h * p.w * p.c, ys = p.n * p.ho * p.wo * p.c;
  int grad = op == 2;
  if (!fits(&in, 0, grad ? ys : xs) || !fits(&out, 0, grad ? xs : ys)) {
    napi_throw_range_error(env, NULL, name);
    return NULL;
  }
  PoolJob j = {&p, op == 1, in.data, out.data};
  int64_t rows = grad ? p.n * p.h : p.n * p.ho;
  pfgm_parallel(rows, pfgm_threads(rows, xs + ys), grad ? avg_grad_rows : pool_rows, &j);
  return NULL;
}

// maxPool(g, x, y), avgPool(g, x, y), avgPoolGrad(g, dy, dx): dx and y are overwritten.
static napi_value max_pool(napi_env env, napi_callback_info info) {
  return pool_call(env, info, 0, "maxPool: expected (geometry: Float64Array(12), x, y) with x, y Float32Arrays of their shapes");
}
static napi_value avg_pool(napi_env env, napi_callback_info info) {
  return pool_call(env, info, 1, "avgPool: expected (geometry: Float64Array(12), x, y) with x, y Float32Arrays of their shapes");
}
static napi_value avg_pool_grad(napi_env env, napi_callback_info info) {
  return pool_call(env, info, 2, "avgPoolGrad: expected (geometry: Float64Array(12), dy, dx) with dy, dx Float32Arrays of their shapes");
}

PFGM_EXPORTS({"maxPool", max_pool},
             {"avgPool", avg_pool},
             {"avgPoolGrad", avg_pool_grad})
