// Convolutions, NHWC, filter [kh, kw, Ci, Co]: im2col / col2im around sgemm, and direct loops for narrow layers.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include "common.h"
#include "conv.h"
#include "parallel.h"

// -std=c11 (binding.gyp) turns off GCC's contraction of a·b + c into fused multiply-adds; the direct loops need them
// (one FMA instead of a multiply and an add per filter tap and channel).
#pragma GCC optimize("fp-contract=fast")

static int get_conv(napi_env env, napi_value v, Conv *c) {
  Array p;
  if (!get_array(env, v, napi_float64_array, &p) || p.length != 15) return 0;
  const double *d = p.data;
  int64_t *f = &c->n;
  for (int i = 0; i < 15; i++) {
    f[i] = (int64_t)d[i];
    if (f[i] < 0 || f[i] > INT32_MAX) return 0;
  }
  return c->kh > 0 && c->kw > 0 && c->sh > 0 && c->sw > 0 && c->dh > 0 && c->dw > 0;
}

// Rows of the im2col matrix per block (4 Mi floats, 16 MiB, in L3 between im2col and sgemm): measured idle against
// 1 and 4 MiB blocks, the big block lets OpenBLAS block M well — Inception's 1×7 192→192 at 17×17 6.6 → 5.1 ms,
// 3×3/2 288→384 25 → 17.5 ms; the 32×32 U-Net's dW 128→128 15.6 → 13.5 ms; none slower.
static int64_t block_rows(const Conv *c) {
  int64_t cols = c->kh * c->kw * c->ci;
  int64_t r = ((int64_t)4 << 20) / (cols > 0 ? cols : 1);
  if (r < 64) r = 64;
  int64_t all = c->n * c->ho * c->wo;
  return r < all ? r : all;
}

// The im2col scratch buffer, kept between calls (a fresh multi-MiB malloc costs page faults every call: measured
// 25 vs 6.5 ms for a 3×3 32→32 conv at 32×32, batch 32). One per thread, so worker threads may load the addon too.
static _Thread_local float *scratch = NULL;
static _Thread_local size_t scratch_size = 0;

static float *scratch_floats(size_t n) {
  if (n > scratch_size) {
    free(scratch);
    scratch = malloc(n * sizeof(float));
    scratch_size = scratch == NULL ? 0 : n;
  }
  return scratch;
}

// col[r - r0][(a·kw + b)·Ci + ci] = x[n, i·sh + a·dh − pt, j·sw + b·dw − pl, ci] (0 outside), r = (n·Ho + i)·Wo + j.
static void im2col(const Conv *c, const float *x, float *col, int64_t r0, int64_t r1) {
  int64_t cols = c->kh * c->kw * c->ci;
  for (int64_t r = r0; r < r1; r++) {
    int64_t n = r / (c->ho * c->wo), rem = r % (c->ho * c->wo), i = rem / c->wo, j = rem % c->wo;
    float *dst = col + (r - r0) * cols;
    for (int64_t a = 0; a < c->kh; a++) {
      int64_t y = i * c->sh + a * c->dh - c->pt;
      for (int64_t b = 0; b < c->kw; b++) {
        int64_t xx = j * c->sw + b * c->dw - c->pl;
        float *d = dst + (a * c->kw + b) * c->ci;
        if (y < 0 || y >= c->h || xx < 0 || xx >= c->w) {
          memset(d, 0, (size_t)c->ci * sizeof(float));
        } else {
          memcpy(d, x + ((n * c->h + y) * c->w + xx) * c->ci, (size_t)c->ci * sizeof(float));
        }
      }
    }
  }
}

// dx[n, y, x, ci] += col[r - r0][(a·kw + b)·Ci + ci] (the adjoint of im2col).
static void col2im(const Conv *c, const float *col, float *dx, int64_t r0, int64_t r1) {
  int64_t cols = c->kh * c->kw * c->ci;
  for (int64_t r = r0; r < r1; r++) {
    int64_t n = r / (c->ho * c->wo), rem = r % (c->ho * c->wo), i = rem / c->wo, j = rem % c->wo;
    const float *src = col + (r - r0) * cols;
    for (int64_t a = 0; a < c->kh; a++) {
      int64_t y = i * c->sh + a * c->dh - c->pt;
      if (y < 0 || y >= c->h) continue;
      for (int64_t b = 0; b < c->kw; b++) {
        int64_t xx = j * c->sw + b * c->dw - c->pl;
        if (xx < 0 || xx >= c->w) continue;
        const float *s = src + (a * c->kw + b) * c->ci;
        float *d = dx + ((n * c->h + y) * c->w + xx) * c->ci;
        for (int64_t k = 0; k < c->ci; k++) d[k] += s[k];
      }
    }
  }
}

// A 1×1, stride-1, unpadded convolution is one plain product: its im2col matrix is x itself.
static int pointwise(const Conv *c) {
  return c->kh == 1 && c->kw == 1 && c->sh == 1 && c->sw == 1 && c->pt == 0 && c->pl == 0 && c->ho == c->h &&
         c->wo == c->w;
}


// ---- Direct convolution for narrow layers (Co ∈ {16, 32, 48, 64}, Ci ≤ 128): the U-Net's 16–64-channel 3×3
// convolutions spend most of an im2col + sgemm call writing and re-reading the 9·Ci-wide im2col matrix; here a block of
// output pixels' Co sums stays in vector registers (forward) or the [kh, kw, Ci, Co] gradient stays in cache (dW).
// Samples are split over threads. ----

#define DIRECT_MAX_C 64
#define CONV_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// 16 floats: one AVX-512 register (two AVX2 or four SSE registers in the other clones); aligned(4) allows
// unaligned loads and stores through it.
typedef float v16f __attribute__((vector_size(64), aligned(4)));

// Whether output column j reads only columns inside the image (no horizontal padding) for every tap.
static inline int interior_col(const Conv *c, int64_t j) {
  return j * c->sw - c->pl >= 0 && j * c->sw + (c->kw - 1) * c->dw - c->pl < c->w;
}

// Pixels per register block: P·NV accumulators plus NV filter rows fit AVX-512's 32 registers.
#define BLOCK_P(NV) ((NV) == 1 ? 8 : (NV) == 2 ? 6 : 4)

// y[n, i, j0 .. j0+P) (Co = 16·NV) where every tap is inside horizontally (interior_col of j0 and j0+P−1): per tap and
// input channel, NV filter rows are loaded once and used by P pixels, so the loop is FMA-bound, not load-bound
// (P = 1 is the edge case, with the horizontal bounds checked per tap).
static inline __attribute__((always_inline)) void direct_fwd_pixels(const Conv *c, const float *x, const float *w, float *y, int64_t n, int64_t i, int64_t j0, const int NV, const int P, const int edge) {
  const int64_t Ci = c->ci, CO = 16 * NV, sx = c->sw * Ci;
  v16f acc[8][4];
  for (int p = 0; p < P; p++)
    for (int v = 0; v < NV; v++) acc[p][v] = (v16f){0};
  for (int64_t a = 0; a < c->kh; a++) {
    int64_t yy = i * c->sh + a * c->dh - c->pt;
    if (yy < 0 || yy >= c->h) continue;
    for (int64_t b = 0; b < c->kw; b++) {
      int64_t xx = j0 * c->sw + b * c->dw - c->pl;
      if (edge && (xx < 0 || xx >= c->w)) continue;
      const float *xp = x + ((n * c->h + yy) * c->w + xx) * Ci;
      const float *wp = w + (a * c->kw + b) * Ci * CO;
      for (int64_t k = 0; k < Ci; k++) {
        const v16f *wr = (const v16f *)(wp + k * CO);
        v16f wv[4];
        for (int v = 0; v < NV; v++) wv[v] = wr[v];
        for (int p = 0; p < P; p++) {
          const float xv = xp[p * sx + k];
          for (int v = 0; v < NV; v++) acc[p][v] += wv[v] * xv;
        }
      }
    }
  }
  for (int p = 0; p < P; p++) {
    v16f *yp = (v16f *)(y + ((n * c->ho + i) * c->wo + j0 + p) * CO);
    for (int v = 0; v < NV; v++) yp[v] = acc[p][v];
  }
}

// y[n, i, j, :] for samples [n0, n1), Co = 16·NV: interior columns in blocks of BLOCK_P(NV) pixels, the rest one by one.
static inline __attribute__((always_inline)) void direct_fwd_body(const Conv *c, const float *x, const float *w, float *y, int64_t n0, int64_t n1, const int NV) {
  const int P = BLOCK_P(NV);
  for (int64_t n = n0; n < n1; n++)
    for (int64_t i = 0; i < c->ho; i++)
      for (int64_t j = 0; j < c->wo;) {
        if (j + P <= c->wo && interior_col(c, j) && interior_col(c, j + P - 1)) {
          direct_fwd_pixels(c, x, w, y, n, i, j, NV, P, 0);
          j += P;
        } else {
          direct_fwd_pixels(c, x, w, y, n, i, j, NV, 1, 1);
          j++;
        }
      }
}

CONV_CLONES static void direct_fwd(const Conv *c, const float *x, const float *w, float *y, int64_t n0, int64_t n1) {
  switch (c->co) {
    case 16: direct_fwd_body(c, x, w, y, n0, n1, 1); break;
    case 32: direct_fwd_body(c, x, w, y, n0, n1, 2); break;
    case 48: direct_fwd_body(c, x, w, y, n0, n1, 3); break;
    default: direct_fwd_body(c, x, w, y, n0, n1, 4); break;  // 64 (direct_ok admits only these widths)
  }
}

// dw += Σ over pixels j0 .. j0+P) of row i of x-patch ⊗ dy: the P pixels' dy rows stay in registers, and each dw row
// is loaded and stored once per block (P = 1 with per-tap bounds at the edges).
static inline __attribute__((always_inline)) void direct_dw_pixels(const Conv *c, const float *x, const float *dy, float *dw, int64_t n, int64_t i, int64_t j0, const int NV, const int P, const int edge) {
  const int64_t Ci = c->ci, CO = 16 * NV, sx = c->sw * Ci;
  v16f g[8][4];
  for (int p = 0; p < P; p++) {
    const v16f *gp = (const v16f *)(dy + ((n * c->ho + i) * c->wo + j0 + p) * CO);
    for (int v = 0; v < NV; v++) g[p][v] = gp[v];
  }
  for (int64_t a = 0; a < c->kh; a++) {
    int64_t yy = i * c->sh + a * c->dh - c->pt;
    if (yy < 0 || yy >= c->h) continue;
    for (int64_t b = 0; b < c->kw; b++) {
      int64_t xx = j0 * c->sw + b * c->dw - c->pl;
      if (edge && (xx < 0 || xx >= c->w)) continue;
      const float *xp = x + ((n * c->h + yy) * c->w + xx) * Ci;
      float *wp = dw + (a * c->kw + b) * Ci * CO;
      for (int64_t k = 0; k < Ci; k++) {
        v16f *wr = (v16f *)(wp + k * CO);
        v16f s[4];
        for (int v = 0; v < NV; v++) s[v] = wr[v];
        for (int p = 0; p < P; p++) {
          const float xv = xp[p * sx + k];
          for (int v = 0; v < NV; v++) s[v] += g[p][v] * xv;
        }
        for (int v = 0; v < NV; v++) wr[v] = s[v];
      }
    }
  }
}

// dw [kh, kw, Ci, Co] = Σ over samples [n0, n1) (dw overwritten), interior columns in register blocks.
static inline __attribute__((always_inline)) void direct_dw_body(const Conv *c, const float *x, const float *dy, float *dw, int64_t n0, int64_t n1, const int NV) {
  const int P = BLOCK_P(NV);
  memset(dw, 0, (size_t)(c->kh * c->kw * c->ci * 16 * NV) * sizeof(float));
  for (int64_t n = n0; n < n1; n++)
    for (int64_t i = 0; i < c->ho; i++)
      for (int64_t j = 0; j < c->wo;) {
        if (j + P <= c->wo && interior_col(c, j) && interior_col(c, j + P - 1)) {
          direct_dw_pixels(c, x, dy, dw, n, i, j, NV, P, 0);
          j += P;
        } else {
          direct_dw_pixels(c, x, dy, dw, n, i, j, NV, 1, 1);
          j++;
        }
      }
}

CONV_CLONES static void direct_dw(const Conv *c, const float *x, const float *dy, float *dw, int64_t n0, int64_t n1) {
  switch (c->co) {
    case 16: direct_dw_body(c, x, dy, dw, n0, n1, 1); break;
    case 32: direct_dw_body(c, x, dy, dw, n0, n1, 2); break;
    case 48: direct_dw_body(c, x, dy, dw, n0, n1, 3); break;
    default: direct_dw_body(c, x, dy, dw, n0, n1, 4); break;
  }
}

// Where the register-blocked direct loops beat im2col + sgemm (3×3, 2 threads, alternating in one process; ratios
// im2col ÷ direct): forward 28×28 16→16 1.4, 14×14 32→32 1.6, 14×14 64→32 2.3, 16×16 128→64 1.3, Inception's
// 147×147 32→64 2.4, 149×149 32→32 1.6; only at 64→64 and wider is it even. The filter gradient keeps its
// [kh, kw, Ci, Co] sums in L1/L2 and wins while they are small (14×14 64→32 (18k floats) ≫, 16×16 64→64 (37k) 0.6×).
#define DIRECT_MAX_CI 128
#define DIRECT_MAX_DW 18432
static int direct_ok(const Conv *c, int filter_grad) {
  int64_t co = c->co;
  if (c->n <= 0 || c->ci <= 0 || c->ci > DIRECT_MAX_CI || co % 16 != 0 || co > DIRECT_MAX_C) return 0;
  return !filter_grad || (c->sh == 1 && c->sw == 1 && c->kh * c->kw * c->ci * co <= DIRECT_MAX_DW);
}

typedef struct {
  const Conv *c;
  int bwd;  // 0: forward into p2; 1: filter gradient into p2 (part 0) and part (parts 1 …)
  const float *p0, *p1;
  float *p2, *part;
  int64_t parts;
} DirectTask;

// Forward: items are samples. Filter gradient: items are the `parts` fixed slices of the batch, each summing its own dw.
static void direct_items(void *ctx, int64_t i0, int64_t i1, int t) {
  (void)t;
  const DirectTask *k = ctx;
  const Conv *c = k->c;
  if (!k->bwd) {
    direct_fwd(c, k->p0, k->p1, k->p2, i0, i1);
    return;
  }
  const int64_t ws = c->kh * c->kw * c->ci * c->co;
  for (int64_t i = i0; i < i1; i++)
    direct_dw(c, k->p0, k->p1, i == 0 ? k->p2 : k->part + (i - 1) * ws, c->n * i / k->parts, c->n * (i + 1) / k->parts);
}

// Forward (p0 = x, p1 = w → p2 = y) or filter gradient (p0 = x, p1 = dy → p2 = dw) on parallel.h's pool (PFGM_THREADS
// threads). The filter gradient splits the batch into one slice per thread, whatever thread runs it, and adds the
// slices' sums in slice order: the same result on every run. Returns 0 on allocation failure.
static int direct_conv(const Conv *c, int bwd, const float *p0, const float *p1, float *p2) {
  int threads = pfgm_threads(c->n, (c->n * c->ho * c->wo * c->ci * c->co) >> 3);
  int64_t ws = c->kh * c->kw * c->ci * c->co, parts = bwd ? threads : c->n;
  float *part = bwd && parts > 1 ? malloc((size_t)((parts - 1) * ws) * sizeof(float)) : NULL;
  if (bwd && parts > 1 && part == NULL) return 0;
  DirectTask k = {c, bwd, p0, p1, p2, part, parts};
  pfgm_parallel(parts, threads, direct_items, &k);
  if (part != NULL) {
    for (int64_t t = 1; t < parts; t++)
      for (int64_t e = 0; e < ws; e++) p2[e] += part[(t - 1) * ws + e];
    free(part);
  }
  return 1;
}

typedef enum { FWD, BWD_INPUT, BWD_FILTER } ConvOp;

// A second scratch buffer (the flipped filter of the stride-1 input gradient), also per thread.
static _Thread_local float *scratch2 = NULL;
static _Thread_local size_t scratch2_size = 0;

static float *scratch2_floats(size_t n) {
  if (n > scratch2_size) {
    free(scratch2);
    scratch2 = malloc(n * sizeof(float));
    scratch2_size = scratch2 == NULL ? 0 : n;
  }
  return scratch2;
}

// FWD: (p0 = x, p1 = w) → p2 = y; BWD_INPUT: (dy, w) → dx; BWD_FILTER: (x, dy) → dw. Sizes checked by the caller.
// Returns 0 when a scratch buffer cannot be allocated.
static int conv_compute(const Conv *cp, ConvOp op, const float *p0, const float *p1, float *p2) {
  const Conv c = *cp;
  int64_t xs = c.n * c.h * c.w * c.ci, ys = c.n * c.ho * c.wo * c.co, ws = c.kh * c.kw * c.ci * c.co;
  int64_t R = c.n * c.ho * c.wo, KC = c.kh * c.kw * c.ci;
  if (op == FWD) {
    if (ys == 0) return 1;
    if (KC == 0) { memset(p2, 0, (size_t)ys * sizeof(float)); return 1; }
  } else if (op == BWD_INPUT) {
    if (xs == 0) return 1;
    if (ys == 0 || KC == 0) { memset(p2, 0, (size_t)xs * sizeof(float)); return 1; }
  } else {
    if (ws == 0) return 1;
    memset(p2, 0, (size_t)ws * sizeof(float));
    if (R == 0 || xs == 0) return 1;
  }
  if (!pointwise(&c) && (op == FWD || op == BWD_FILTER) && direct_ok(&c, op == BWD_FILTER)) return direct_conv(&c, op == BWD_FILTER, p0, p1, p2);
  // Wide 3×3 stride-1 layers (Inception's): Winograd F(2×2, 3×3), 2.25× fewer multiplies than im2col + sgemm.
  if (op == FWD && winograd_ok(&c)) return winograd_fwd(&c, p0, p1, p2);
  if (pointwise(&c)) {
    int ci = (int)(c.ci > 0 ? c.ci : 1), co = (int)(c.co > 0 ? c.co : 1);
    if (op == FWD)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)R, (int)c.co, (int)c.ci, 1.0f, p0, ci, p1, co, 0.0f, p2, co);
    else if (op == BWD_INPUT)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, (int)c.ci, (int)c.co, 1.0f, p0, co, p1, co, 0.0f, p2, ci);
    else
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)c.ci, (int)c.co, (int)R, 1.0f, p0, ci, p1, co, 0.0f, p2, co);
    return 1;
  }
  if (op == BWD_INPUT && c.sh == 1 && c.sw == 1 && c.dh == 1 && c.dw == 1) {
    // Stride 1: dx is the forward convolution of dy with the flipped filter w'[a, b, co, ci] = w[kh−1−a, kw−1−b, ci, co]
    // and pads kh−1−pt, kw−1−pl (im2col + one well-shaped sgemm instead of a thin sgemm + col2im scatter; this is
    // what keeps Co = 1 output layers fast).
    float *wf = scratch2_floats((size_t)ws);
    if (wf == NULL) return 0;
    for (int64_t a = 0; a < c.kh; a++)
      for (int64_t b = 0; b < c.kw; b++)
        for (int64_t i = 0; i < c.ci; i++)
          for (int64_t o = 0; o < c.co; o++)
            wf[((a * c.kw + b) * c.co + o) * c.ci + i] = p1[(((c.kh - 1 - a) * c.kw + (c.kw - 1 - b)) * c.ci + i) * c.co + o];
    Conv t = {c.n, c.ho, c.wo, c.co, c.h, c.w, c.ci, c.kh, c.kw, 1, 1, 1, 1, c.kh - 1 - c.pt, c.kw - 1 - c.pl};
    return conv_compute(&t, FWD, p0, wf, p2);
  }
  if (op == BWD_INPUT) memset(p2, 0, (size_t)xs * sizeof(float));
  int64_t rows = block_rows(&c);
  float *col = scratch_floats((size_t)(rows * KC));
  if (col == NULL) return 0;
  int co = (int)(c.co > 0 ? c.co : 1);
  for (int64_t r0 = 0; r0 < R; r0 += rows) {
    int64_t r1 = r0 + rows < R ? r0 + rows : R;
    int nr = (int)(r1 - r0);
    if (op == FWD) {
      im2col(&c, p0, col, r0, r1);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nr, (int)c.co, (int)KC, 1.0f, col, (int)KC, p1, co, 0.0f,
                  p2 + r0 * c.co, co);
    } else if (op == BWD_INPUT) {
      // col = dy_block [nr, Co] · wᵀ [Co, KC], then scattered back onto dx.
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nr, (int)KC, (int)c.co, 1.0f, p0 + r0 * c.co, co, p1, co,
                  0.0f, col, (int)KC);
      col2im(&c, col, p2, r0, r1);
    } else {
      // dw [KC, Co] += colᵀ [KC, nr] · dy_block [nr, Co].
      im2col(&c, p0, col, r0, r1);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)KC, (int)c.co, nr, 1.0f, col, (int)KC, p1 + r0 * c.co,
                  co, 1.0f, p2, co);
    }
  }
  return 1;
}

static napi_value conv(napi_env env, napi_callback_info info, ConvOp op) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 7) FAIL("conv2d: expected 7 arguments");
  Conv c;
  Array arr[3];
  int64_t off[3];
  if (!get_conv(env, argv[0], &c)) FAIL("conv2d: bad geometry");
  for (int i = 0; i < 3; i++) {
    if (!get_array(env, argv[1 + 2 * i], napi_float32_array, &arr[i]) || !get_i64(env, argv[2 + 2 * i], &off[i]))
      FAIL("conv2d: wrong argument types");
  }
  int64_t xs = c.n * c.h * c.w * c.ci, ys = c.n * c.ho * c.wo * c.co, ws = c.kh * c.kw * c.ci * c.co;
  int64_t need[3];
  if (op == FWD) { need[0] = xs; need[1] = ws; need[2] = ys; }
  else if (op == BWD_INPUT) { need[0] = ys; need[1] = ws; need[2] = xs; }
  else { need[0] = xs; need[1] = ys; need[2] = ws; }
  for (int i = 0; i < 3; i++) if (!fits(&arr[i], off[i], need[i])) FAIL("conv2d: an operand is shorter than its shape");
  float *p0 = (float *)arr[0].data + off[0], *p1 = (float *)arr[1].data + off[1], *p2 = (float *)arr[2].data + off[2];
  if (!conv_compute(&c, op, p0, p1, p2)) napi_throw_error(env, NULL, "conv2d: out of memory for a scratch buffer");
  return NULL;
}

static napi_value conv2d(napi_env env, napi_callback_info info) { return conv(env, info, FWD); }
static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) { return conv(env, info, BWD_INPUT); }
static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) { return conv(env, info, BWD_FILTER); }

PFGM_EXPORTS({"conv2d", conv2d},
              {"conv2dBackpropInput", conv2d_backprop_input},
              {"conv2dBackpropFilter", conv2d_backprop_filter})
