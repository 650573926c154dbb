// pfgm_native: OpenBLAS/LAPACK for tensors that live in the tfjs-wasm heap (or any typed array), zero copy.
//
// Every array argument is a typed array (usually a Float32Array view of the wasm heap, which may be backed by a
// SharedArrayBuffer) plus an element offset into it; every extent is checked against the array's length before
// any pointer is touched, so a wrong shape from JS is an exception, never a write outside the array.
// Matrices are row-major. Nothing here allocates JS objects on the hot path.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <pthread.h>
#include <node_api.h>

// LAPACK (Fortran symbols, provided by OpenBLAS's bundled LAPACK): symmetric eigensolvers.
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info);
extern void openblas_set_num_threads(int n);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, NULL, "pfgm_native: N-API call failed");  \
      return NULL;                                                    \
    }                                                                 \
  } while (0)
#define FAIL(msg)                            \
  do {                                       \
    napi_throw_range_error(env, NULL, msg);  \
    return NULL;                             \
  } while (0)

typedef struct {
  void *data;      // first element
  size_t length;   // elements
  napi_typedarray_type type;
} Array;

static int get_array(napi_env env, napi_value v, napi_typedarray_type want, Array *out) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  napi_value buf;
  size_t off;
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buf, &off) != napi_ok) return 0;
  return out->type == want;
}

static int get_i64(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

static int get_f64(napi_env env, napi_value v, double *out) {
  return napi_get_value_double(env, v, out) == napi_ok;
}

static int get_bool(napi_env env, napi_value v, bool *out) {
  return napi_get_value_bool(env, v, out) == napi_ok;
}

// Elements a row-major rows×cols matrix with leading dimension ld touches from its first element.
static int64_t extent(int64_t rows, int64_t cols, int64_t ld) {
  return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
}

static int fits(const Array *a, int64_t off, int64_t n) {
  return off >= 0 && n >= 0 && (uint64_t)(off + n) <= a->length;
}

// gemm(transA, transB, M, N, K, alpha, A, offA, lda, B, offB, ldb, beta, C, offC, ldc): C = α op(A) op(B) + β C.
static napi_value gemm(napi_env env, napi_callback_info info, int dbl) {
  size_t argc = 16;
  napi_value argv[16];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 16) FAIL("gemm: expected 16 arguments");
  bool ta, tb;
  int64_t M, N, K, offA, lda, offB, ldb, offC, ldc;
  double alpha, beta;
  Array A, B, C;
  napi_typedarray_type t = dbl ? napi_float64_array : napi_float32_array;
  if (!get_bool(env, argv[0], &ta) || !get_bool(env, argv[1], &tb) || !get_i64(env, argv[2], &M) ||
      !get_i64(env, argv[3], &N) || !get_i64(env, argv[4], &K) || !get_f64(env, argv[5], &alpha) ||
      !get_array(env, argv[6], t, &A) || !get_i64(env, argv[7], &offA) || !get_i64(env, argv[8], &lda) ||
      !get_array(env, argv[9], t, &B) || !get_i64(env, argv[10], &offB) || !get_i64(env, argv[11], &ldb) ||
      !get_f64(env, argv[12], &beta) || !get_array(env, argv[13], t, &C) || !get_i64(env, argv[14], &offC) ||
      !get_i64(env, argv[15], &ldc))
    FAIL(dbl ? "dgemm: wrong argument types (Float64Array operands)" : "sgemm: wrong argument types (Float32Array operands)");
  if (M < 0 || N < 0 || K < 0 || M > INT32_MAX || N > INT32_MAX || K > INT32_MAX) FAIL("gemm: bad dimensions");
  int64_t ar = ta ? K : M, ac = ta ? M : K, br = tb ? N : K, bc = tb ? K : N;
  if (lda < (ac > 1 ? ac : 1) || ldb < (bc > 1 ? bc : 1) || ldc < (N > 1 ? N : 1)) FAIL("gemm: leading dimension too small");
  if (!fits(&C, offC, extent(M, N, ldc))) FAIL("gemm: C too short");
  if (M == 0 || N == 0) return NULL;
  if (!fits(&A, offA, extent(ar, ac, lda)) || !fits(&B, offB, extent(br, bc, ldb))) FAIL("gemm: A or B too short");
  enum CBLAS_TRANSPOSE TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;
  if (dbl) {
    cblas_dgemm(CblasRowMajor, TA, TB, (int)M, (int)N, (int)K, alpha, (double *)A.data + offA, (int)lda,
                (double *)B.data + offB, (int)ldb, beta, (double *)C.data + offC, (int)ldc);
  } else {
    cblas_sgemm(CblasRowMajor, TA, TB, (int)M, (int)N, (int)K, (float)alpha, (float *)A.data + offA, (int)lda,
                (float *)B.data + offB, (int)ldb, (float)beta, (float *)C.data + offC, (int)ldc);
  }
  return NULL;
}

static napi_value sgemm(napi_env env, napi_callback_info info) { return gemm(env, info, 0); }
static napi_value dgemm(napi_env env, napi_callback_info info) { return gemm(env, info, 1); }

// sgemmBatch(transA, transB, M, N, K, A, offsA: Float64Array, B, offsB, C, offsC): C_i = op(A_i) op(B_i), dense
// (lda/ldb/ldc from the shapes), one entry per offset triple.
static napi_value sgemm_batch(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 11) FAIL("sgemmBatch: expected 11 arguments");
  bool ta, tb;
  int64_t M, N, K;
  Array A, B, C, oA, oB, oC;
  if (!get_bool(env, argv[0], &ta) || !get_bool(env, argv[1], &tb) || !get_i64(env, argv[2], &M) ||
      !get_i64(env, argv[3], &N) || !get_i64(env, argv[4], &K) || !get_array(env, argv[5], napi_float32_array, &A) ||
      !get_array(env, argv[6], napi_float64_array, &oA) || !get_array(env, argv[7], napi_float32_array, &B) ||
      !get_array(env, argv[8], napi_float64_array, &oB) || !get_array(env, argv[9], napi_float32_array, &C) ||
      !get_array(env, argv[10], napi_float64_array, &oC))
    FAIL("sgemmBatch: wrong argument types");
  if (M < 0 || N < 0 || K < 0 || M > INT32_MAX || N > INT32_MAX || K > INT32_MAX) FAIL("sgemmBatch: bad dimensions");
  if (oA.length != oC.length || oB.length != oC.length) FAIL("sgemmBatch: offset arrays differ in length");
  if (M == 0 || N == 0) return NULL;
  int64_t lda = ta ? M : K, ldb = tb ? K : N;
  const double *pa = oA.data, *pb = oB.data, *pc = oC.data;
  for (size_t i = 0; i < oC.length; i++) {
    if (!fits(&A, (int64_t)pa[i], M * K) || !fits(&B, (int64_t)pb[i], K * N) || !fits(&C, (int64_t)pc[i], M * N))
      FAIL("sgemmBatch: an entry lies outside its array");
  }
  for (size_t i = 0; i < oC.length; i++) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K,
                1.0f, (float *)A.data + (int64_t)pa[i], (int)(lda > 1 ? lda : 1), (float *)B.data + (int64_t)pb[i],
                (int)(ldb > 1 ? ldb : 1), 0.0f, (float *)C.data + (int64_t)pc[i], (int)(N > 1 ? N : 1));
  }
  return NULL;
}

// ---- Convolution, NHWC, filter [kh, kw, Ci, Co]: im2col / col2im around sgemm. ----

typedef struct {
  int64_t n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, pt, pl;
} Conv;

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

// Rows of the im2col matrix per block: the block (≈ 1 MiB of floats) stays in cache between im2col and sgemm.
static int64_t block_rows(const Conv *c) {
  int64_t cols = c->kh * c->kw * c->ci;
  int64_t r = (int64_t)256 * 1024 / (cols > 0 ? cols : 1);
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


// ---- Direct convolution for narrow layers (Ci ≤ 32, Co ∈ {16, 32}; the loops also take 48 and 64): the U-Net's 16–64-channel 3×3 convolutions spend most of
// an im2col + sgemm call writing and re-reading the 9·Ci-wide im2col matrix; here each output pixel's Co sums stay in
// vector registers (forward) or the [kh, kw, Ci, Co] gradient stays in L1 (dW). Samples are split over threads. ----

#define DIRECT_MAX_C 64
#define CONV_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// 16 floats: one AVX-512 register (two AVX2 or four SSE registers in the other clones); aligned(4) allows
// unaligned loads and stores through it.
typedef float v16f __attribute__((vector_size(64), aligned(4)));

// y[n, i, j, :] for samples [n0, n1), Co = 16·NV; the NV accumulators of a pixel stay in registers.
static inline __attribute__((always_inline)) void direct_fwd_body(const Conv *c, const float *x, const float *w, float *y, int64_t n0, int64_t n1, const int NV) {
  const int64_t Ci = c->ci, CO = 16 * NV;
  for (int64_t n = n0; n < n1; n++)
    for (int64_t i = 0; i < c->ho; i++)
      for (int64_t j = 0; j < c->wo; j++) {
        v16f acc[4] = {{0}, {0}, {0}, {0}};
        for (int64_t a = 0; a < c->kh; a++) {
          int64_t yy = i * c->sh + a * c->dh - c->pt;
          if (yy < 0 || yy >= c->h) continue;
          for (int64_t b = 0; b < c->kw; b++) {
            int64_t xx = j * c->sw + b * c->dw - c->pl;
            if (xx < 0 || xx >= c->w) continue;
            const float *xp = x + ((n * c->h + yy) * c->w + xx) * Ci;
            const float *wp = w + (a * c->kw + b) * Ci * CO;
            for (int64_t k = 0; k < Ci; k++) {
              const float xv = xp[k];
              const v16f *wr = (const v16f *)(wp + k * CO);
              for (int v = 0; v < NV; v++) acc[v] += wr[v] * xv;
            }
          }
        }
        v16f *yp = (v16f *)(y + ((n * c->ho + i) * c->wo + j) * CO);
        for (int v = 0; v < NV; v++) yp[v] = acc[v];
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

// dw [kh, kw, Ci, Co] = Σ over samples [n0, n1) of x-patch ⊗ dy (dw overwritten); a pixel's dy row stays in registers.
static inline __attribute__((always_inline)) void direct_dw_body(const Conv *c, const float *x, const float *dy, float *dw, int64_t n0, int64_t n1, const int NV) {
  const int64_t Ci = c->ci, CO = 16 * NV;
  memset(dw, 0, (size_t)(c->kh * c->kw * Ci * CO) * sizeof(float));
  for (int64_t n = n0; n < n1; n++)
    for (int64_t i = 0; i < c->ho; i++)
      for (int64_t j = 0; j < c->wo; j++) {
        const v16f *gp = (const v16f *)(dy + ((n * c->ho + i) * c->wo + j) * CO);
        v16f g[4];
        for (int v = 0; v < NV; v++) g[v] = gp[v];
        for (int64_t a = 0; a < c->kh; a++) {
          int64_t yy = i * c->sh + a * c->dh - c->pt;
          if (yy < 0 || yy >= c->h) continue;
          for (int64_t b = 0; b < c->kw; b++) {
            int64_t xx = j * c->sw + b * c->dw - c->pl;
            if (xx < 0 || xx >= c->w) continue;
            const float *xp = x + ((n * c->h + yy) * c->w + xx) * Ci;
            float *wp = dw + (a * c->kw + b) * Ci * CO;
            for (int64_t k = 0; k < Ci; k++) {
              const float xv = xp[k];
              v16f *wr = (v16f *)(wp + k * CO);
              for (int v = 0; v < NV; v++) wr[v] += g[v] * xv;
            }
          }
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

// Where the direct loops beat im2col + sgemm (measured, 3×3, batch 32, 2 threads: 28×28 16→16 1.4 vs 2.5–4.5 ms,
// 14×14 32→32 0.9 vs 1.2 ms; at 64 channels sgemm's blocking wins).
static int direct_ok(const Conv *c) {
  return c->ci > 0 && c->ci <= 32 && c->n > 0 && (c->co == 16 || c->co == 32);
}

typedef struct {
  const Conv *c;
  int bwd;  // 0: forward into p2; 1: filter gradient into p2
  const float *p0, *p1;
  float *p2;
  int64_t n0, n1;
} DirectJob;

static void *direct_job(void *arg) {
  DirectJob *j = arg;
  if (j->bwd) direct_dw(j->c, j->p0, j->p1, j->p2, j->n0, j->n1);
  else direct_fwd(j->c, j->p0, j->p1, j->p2, j->n0, j->n1);
  return NULL;
}

// Forward (p0 = x, p1 = w → p2 = y) or filter gradient (p0 = x, p1 = dy → p2 = dw) over OpenBLAS's thread count
// (PFGM_THREADS), splitting the batch; each extra thread sums its own dw, added at the end. Returns 0 on allocation failure.
static int direct_conv(const Conv *c, int bwd, const float *p0, const float *p1, float *p2) {
  int threads = openblas_get_num_threads();
  if (threads > c->n) threads = (int)c->n;
  if (threads > 8) threads = 8;
  if (threads < 2 || c->n * c->ho * c->wo * c->ci * c->co < (int64_t)1 << 18) {
    DirectJob j = {c, bwd, p0, p1, p2, 0, c->n};
    direct_job(&j);
    return 1;
  }
  int64_t ws = c->kh * c->kw * c->ci * c->co;
  DirectJob jobs[8];
  pthread_t tid[8];
  float *part = bwd ? malloc((size_t)((threads - 1) * ws) * sizeof(float)) : NULL;
  if (bwd && part == NULL) return 0;
  for (int t = 0; t < threads; t++) {
    int64_t n0 = c->n * t / threads, n1 = c->n * (t + 1) / threads;
    jobs[t] = (DirectJob){c, bwd, p0, p1, bwd && t > 0 ? part + (t - 1) * ws : p2, n0, n1};
  }
  int started[8] = {0};
  for (int t = 1; t < threads; t++) started[t] = pthread_create(&tid[t], NULL, direct_job, &jobs[t]) == 0;
  direct_job(&jobs[0]);
  for (int t = 1; t < threads; t++) {
    if (started[t]) pthread_join(tid[t], NULL);
    else direct_job(&jobs[t]);  // no thread: do its share here
  }
  if (bwd) {
    for (int t = 1; t < threads; t++)
      for (int64_t k = 0; k < ws; k++) p2[k] += part[(t - 1) * ws + k];
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
  if (direct_ok(&c) && !pointwise(&c) && (op == FWD || op == BWD_FILTER)) return direct_conv(&c, op == BWD_FILTER, p0, p1, p2);
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

// biasActivate(y, offY, rows, cols, bias | null, offBias, act, alpha): y[r, c] = act(y[r, c] + bias[c]).
// act: 0 linear, 1 relu, 2 relu6, 3 leakyrelu(alpha), 4 sigmoid, 5 elu.
static napi_value bias_activate(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 8) FAIL("biasActivate: expected 8 arguments");
  Array y, bias;
  int64_t offY, rows, cols, offB, act;
  double alpha;
  napi_valuetype bt;
  CHECK(napi_typeof(env, argv[4], &bt));
  int has_bias = bt != napi_null && bt != napi_undefined;
  if (!get_array(env, argv[0], napi_float32_array, &y) || !get_i64(env, argv[1], &offY) || !get_i64(env, argv[2], &rows) ||
      !get_i64(env, argv[3], &cols) || (has_bias && !get_array(env, argv[4], napi_float32_array, &bias)) ||
      !get_i64(env, argv[5], &offB) || !get_i64(env, argv[6], &act) || !get_f64(env, argv[7], &alpha))
    FAIL("biasActivate: wrong argument types");
  if (rows < 0 || cols < 0 || act < 0 || act > 5) FAIL("biasActivate: bad arguments");
  if (!fits(&y, offY, rows * cols) || (has_bias && !fits(&bias, offB, cols))) FAIL("biasActivate: array too short");
  float *p = (float *)y.data + offY;
  const float *bp = has_bias ? (const float *)bias.data + offB : NULL;
  float a = (float)alpha;
  for (int64_t r = 0; r < rows; r++) {
    float *row = p + r * cols;
    if (bp != NULL) for (int64_t k = 0; k < cols; k++) row[k] += bp[k];
    switch (act) {
      case 1: for (int64_t k = 0; k < cols; k++) row[k] = row[k] < 0 ? 0 : row[k]; break;  // NaN stays NaN
      case 2: for (int64_t k = 0; k < cols; k++) row[k] = row[k] < 0 ? 0 : (row[k] > 6 ? 6 : row[k]); break;
      case 3: for (int64_t k = 0; k < cols; k++) row[k] = row[k] < 0 ? a * row[k] : row[k]; break;
      case 4: for (int64_t k = 0; k < cols; k++) row[k] = 1.0f / (1.0f + expf(-row[k])); break;
      case 5: for (int64_t k = 0; k < cols; k++) row[k] = row[k] < 0 ? expm1f(row[k]) : row[k]; break;
      default: break;
    }
  }
  return NULL;
}

// ---- Elementwise binary ops with broadcasting (Add, Sub, Multiply): memory-bound loops that tfjs-wasm runs on one
// thread with an index computation per element whenever shapes differ. ----

#define BINARY_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// out[0..n) = a[i·sa] op b[i·sb], sa, sb ∈ {0, 1}.
BINARY_CLONES static void binary_row(int op, const float *a, int64_t sa, const float *b, int64_t sb, float *o, int64_t n) {
  switch (op * 4 + (int)sa * 2 + (int)sb) {
    case 0 * 4 + 3: for (int64_t i = 0; i < n; i++) o[i] = a[i] + b[i]; break;
    case 0 * 4 + 2: { const float v = b[0]; for (int64_t i = 0; i < n; i++) o[i] = a[i] + v; } break;
    case 0 * 4 + 1: { const float v = a[0]; for (int64_t i = 0; i < n; i++) o[i] = v + b[i]; } break;
    case 1 * 4 + 3: for (int64_t i = 0; i < n; i++) o[i] = a[i] - b[i]; break;
    case 1 * 4 + 2: { const float v = b[0]; for (int64_t i = 0; i < n; i++) o[i] = a[i] - v; } break;
    case 1 * 4 + 1: { const float v = a[0]; for (int64_t i = 0; i < n; i++) o[i] = v - b[i]; } break;
    case 2 * 4 + 3: for (int64_t i = 0; i < n; i++) o[i] = a[i] * b[i]; break;
    case 2 * 4 + 2: { const float v = b[0]; for (int64_t i = 0; i < n; i++) o[i] = a[i] * v; } break;
    case 2 * 4 + 1: { const float v = a[0]; for (int64_t i = 0; i < n; i++) o[i] = v * b[i]; } break;
    default: {  // both broadcast along the row: one value
      const float v = op == 0 ? a[0] + b[0] : op == 1 ? a[0] - b[0] : a[0] * b[0];
      for (int64_t i = 0; i < n; i++) o[i] = v;
    }
  }
}

// binary(op, shape: Float64Array (rank ≤ 8, collapsed), a, stridesA: Float64Array, b, stridesB, out): out (dense, of
// `shape`) = a op b with element strides per dim (0 = broadcast). The last dim's strides must be 0 or 1.
// op: 0 add, 1 sub, 2 mul.
static napi_value binary(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t op;
  Array shape, A, sA, B, sB, O;
  if (argc != 7 || !get_i64(env, argv[0], &op) || !get_array(env, argv[1], napi_float64_array, &shape) ||
      !get_array(env, argv[2], napi_float32_array, &A) || !get_array(env, argv[3], napi_float64_array, &sA) ||
      !get_array(env, argv[4], napi_float32_array, &B) || !get_array(env, argv[5], napi_float64_array, &sB) ||
      !get_array(env, argv[6], napi_float32_array, &O))
    FAIL("binary: wrong argument types");
  size_t r = shape.length;
  if (op < 0 || op > 2 || r < 1 || r > 8 || sA.length != r || sB.length != r) FAIL("binary: bad op or rank");
  int64_t dims[8], sa[8], sb[8], total = 1, lastA = 0, lastB = 0;
  for (size_t d = 0; d < r; d++) {
    dims[d] = (int64_t)((double *)shape.data)[d];
    sa[d] = (int64_t)((double *)sA.data)[d];
    sb[d] = (int64_t)((double *)sB.data)[d];
    if (dims[d] < 0 || sa[d] < 0 || sb[d] < 0) FAIL("binary: negative shape or stride");
    total *= dims[d];
    lastA += (dims[d] - 1) * sa[d];
    lastB += (dims[d] - 1) * sb[d];
  }
  if (total == 0) return NULL;
  if (sa[r - 1] > 1 || sb[r - 1] > 1) FAIL("binary: the last dim must be contiguous or broadcast");
  if ((uint64_t)total > O.length || (uint64_t)lastA >= A.length || (uint64_t)lastB >= B.length) FAIL("binary: array too short");
  const float *pa = A.data, *pb = B.data;
  float *po = O.data;
  int64_t n = dims[r - 1], rows = total / n, idx[8] = {0};
  int64_t oa = 0, ob = 0;
  for (int64_t row = 0; row < rows; row++) {
    binary_row((int)op, pa + oa, sa[r - 1], pb + ob, sb[r - 1], po + row * n, n);
    for (int d = (int)r - 2; d >= 0; d--) {  // odometer over the outer dims
      idx[d]++;
      oa += sa[d];
      ob += sb[d];
      if (idx[d] < dims[d]) break;
      oa -= sa[d] * dims[d];
      ob -= sb[d] * dims[d];
      idx[d] = 0;
    }
  }
  return NULL;
}

// concat(out, outer, inners: Float64Array, parts...): out[o, :] = [part_0[o, :], part_1[o, :], …], part_i being
// [outer, inners[i]] (row-major) — a concatenation along one axis.
static napi_value concat(napi_env env, napi_callback_info info) {
  size_t argc = 66;
  napi_value argv[66];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Array O, inner;
  int64_t outer;
  if (argc < 4 || argc > 66 || !get_array(env, argv[0], napi_float32_array, &O) || !get_i64(env, argv[1], &outer) ||
      !get_array(env, argv[2], napi_float64_array, &inner) || inner.length != argc - 3 || outer < 0)
    FAIL("concat: expected (out, outer, inners, ...parts) with at most 63 parts");
  Array parts[63];
  int64_t total = 0;
  for (size_t i = 0; i < inner.length; i++) {
    int64_t k = (int64_t)((double *)inner.data)[i];
    if (k < 0 || !get_array(env, argv[3 + i], napi_float32_array, &parts[i]) || !fits(&parts[i], 0, outer * k))
      FAIL("concat: a part is not a Float32Array of [outer, inner]");
    total += k;
  }
  if (!fits(&O, 0, outer * total)) FAIL("concat: out too short");
  float *po = O.data;
  for (int64_t o = 0; o < outer; o++) {
    for (size_t i = 0; i < inner.length; i++) {
      int64_t k = (int64_t)((double *)inner.data)[i];
      memcpy(po, (const float *)parts[i].data + o * k, (size_t)k * sizeof(float));
      po += k;
    }
  }
  return NULL;
}

// sumRows(x, R, C, out): out[c] = Σ_r x[r, c] for x [R, C] row-major — a reduction over leading axes (bias
// gradients). Blocks of 8 rows are summed in float64, then added into float64 accumulators: the same operations in
// the same order as @pfgm/tensor's JS sumRows, so both paths give identical results.
BINARY_CLONES static void sum_rows(const float *x, int64_t R, int64_t C, double *acc) {
  int64_t r = 0;
  for (; r + 8 <= R; r += 8) {
    const float *p = x + r * C;
    for (int64_t c = 0; c < C; c++) {
      double s = p[c];
      for (int q = 1; q < 8; q++) s += p[q * C + c];
      acc[c] += s;
    }
  }
  for (; r < R; r++)
    for (int64_t c = 0; c < C; c++) acc[c] += x[r * C + c];
}

static napi_value sum_rows_napi(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Array X, O;
  int64_t R, C;
  if (argc != 4 || !get_array(env, argv[0], napi_float32_array, &X) || !get_i64(env, argv[1], &R) ||
      !get_i64(env, argv[2], &C) || !get_array(env, argv[3], napi_float32_array, &O) || R < 0 || C < 0)
    FAIL("sumRows: expected (Float32Array x, R, C, Float32Array out)");
  if (!fits(&X, 0, R * C) || !fits(&O, 0, C)) FAIL("sumRows: array too short");
  double *acc = calloc((size_t)(C > 0 ? C : 1), sizeof(double));
  if (acc == NULL) {
    napi_throw_error(env, NULL, "sumRows: out of memory");
    return NULL;
  }
  sum_rows(X.data, R, C, acc);
  float *o = O.data;
  for (int64_t c = 0; c < C; c++) o[c] = (float)acc[c];
  free(acc);
  return NULL;
}

// dsyevd(n, A: Float64Array n·n (symmetric; overwritten), w: Float64Array n, vectors = true) → info.
// Eigenvalues ascending in w; with vectors, eigenvector k is row k of A (LAPACK's column k, read row-major).
// LAPACK reads the upper triangle column-major, i.e. the lower triangle of the row-major matrix.
static napi_value dsyevd(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t n64;
  bool vectors = true;
  Array A, W;
  if (argc < 3 || !get_i64(env, argv[0], &n64) || !get_array(env, argv[1], napi_float64_array, &A) ||
      !get_array(env, argv[2], napi_float64_array, &W) || (argc > 3 && !get_bool(env, argv[3], &vectors)))
    FAIL("dsyevd: expected (n, Float64Array n·n, Float64Array n, vectors?)");
  if (n64 < 0 || n64 > 46340 || A.length < (size_t)(n64 * n64) || W.length < (size_t)n64) FAIL("dsyevd: bad sizes");
  int n = (int)n64, lda = n > 1 ? n : 1, lwork = -1, liwork = -1, iwq, res = 0;
  const char *jobz = vectors ? "V" : "N";
  double wq;
  napi_value out;
  if (n == 0) {
    CHECK(napi_create_int32(env, 0, &out));
    return out;
  }
  dsyevd_(jobz, "U", &n, A.data, &lda, W.data, &wq, &lwork, &iwq, &liwork, &res);
  if (res == 0) {
    lwork = (int)wq;
    liwork = iwq;
    double *work = malloc((size_t)lwork * sizeof(double));
    int *iwork = malloc((size_t)liwork * sizeof(int));
    if (work == NULL || iwork == NULL) {
      free(work);
      free(iwork);
      napi_throw_error(env, NULL, "dsyevd: out of memory");
      return NULL;
    }
    dsyevd_(jobz, "U", &n, A.data, &lda, W.data, work, &lwork, iwork, &liwork, &res);
    free(work);
    free(iwork);
  }
  CHECK(napi_create_int32(env, res, &out));
  return out;
}

// dpotrf(n, A: Float64Array n·n symmetric) → info: A = L·Lᵀ with L in the lower triangle (row-major); the strict
// upper triangle is left as it was. info > 0: the leading minor of that order is not positive definite.
static napi_value dpotrf(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t n64;
  Array A;
  if (argc != 2 || !get_i64(env, argv[0], &n64) || !get_array(env, argv[1], napi_float64_array, &A))
    FAIL("dpotrf: expected (n, Float64Array n·n)");
  if (n64 < 0 || n64 > 46340 || A.length < (size_t)(n64 * n64)) FAIL("dpotrf: bad sizes");
  int n = (int)n64, lda = n > 1 ? n : 1, res = 0;
  if (n > 0) dpotrf_("U", &n, A.data, &lda, &res);  // upper column-major = lower row-major
  napi_value out;
  CHECK(napi_create_int32(env, res, &out));
  return out;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t n;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || !get_i64(env, argv[0], &n) || n < 1 || n > 1024) FAIL("setThreads: expected a positive integer");
  openblas_set_num_threads((int)n);
  return NULL;
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &out));
  return out;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info;
  char buf[512];
  snprintf(buf, sizeof buf, "%s (core %s)", openblas_get_config(), openblas_get_corename());
  napi_value out;
  CHECK(napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &out));
  return out;
}


// ---- GroupNorm (+ SiLU) forward and backward, fused (issue 13: the U-Net step's elementwise share). x is NHWC,
// viewed as [B, HW, C] with G groups of C/G channels; statistics over (HW, C/G) per sample and group, float64 sums.
// Forward: y = x·a + c with a = γ·rstd, c = β − μ·a (then y·sigmoid(y) when act), the same algebra as
// @pfgm/networks' groupNorm composite; mean/rstd [B, G] are returned for the backward. Backward (x̂ = (x − μ)·rstd,
// dpre = dy or dy·s·(1 + p·(1 − s)) through SiLU with p the pre-activation, s = sigmoid(p)):
//   dγ_c = Σ dpre·x̂, dβ_c = Σ dpre, dx = rstd·(dpre·γ − m1 − x̂·m2), m1 = mean_g(dpre·γ), m2 = mean_g(dpre·γ·x̂).

typedef struct { int64_t B, HW, C, G; } GnDims;

static int gn_dims(napi_env env, napi_value *argv, GnDims *d) {
  return get_i64(env, argv[0], &d->B) && get_i64(env, argv[1], &d->HW) && get_i64(env, argv[2], &d->C) && get_i64(env, argv[3], &d->G) &&
         d->B >= 0 && d->HW >= 0 && d->C > 0 && d->G > 0 && d->C % d->G == 0;
}

static inline float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

// groupNorm(B, HW, C, G, eps, act, x, gamma, beta, y, mean, rstd)
static napi_value group_norm(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  GnDims d;
  double eps;
  bool act;
  Array x, g, b, y, mu, rs;
  if (argc != 12 || !gn_dims(env, argv, &d) || !get_f64(env, argv[4], &eps) || !get_bool(env, argv[5], &act) ||
      !get_array(env, argv[6], napi_float32_array, &x) || !get_array(env, argv[7], napi_float32_array, &g) ||
      !get_array(env, argv[8], napi_float32_array, &b) || !get_array(env, argv[9], napi_float32_array, &y) ||
      !get_array(env, argv[10], napi_float32_array, &mu) || !get_array(env, argv[11], napi_float32_array, &rs))
    FAIL("groupNorm: wrong argument types or dims (C must be a multiple of G)");
  int64_t n = d.B * d.HW * d.C, C = d.C, Cg = d.C / d.G;
  if (!fits(&x, 0, n) || !fits(&y, 0, n) || !fits(&g, 0, C) || !fits(&b, 0, C) || !fits(&mu, 0, d.B * d.G) || !fits(&rs, 0, d.B * d.G))
    FAIL("groupNorm: array too short");
  double *acc = malloc((size_t)(2 * C) * sizeof(double));
  float *ac = malloc((size_t)(2 * C) * sizeof(float));
  if (acc == NULL || ac == NULL) { free(acc); free(ac); FAIL("groupNorm: out of memory"); }
  const float *xp = x.data, *gp = g.data, *bp = b.data;
  float *yp = y.data, *mp = mu.data, *rp = rs.data;
  for (int64_t bi = 0; bi < d.B; bi++) {
    const float *xb = xp + bi * d.HW * C;
    float *yb = yp + bi * d.HW * C;
    memset(acc, 0, (size_t)(2 * C) * sizeof(double));
    for (int64_t i = 0; i < d.HW; i++) {
      const float *row = xb + i * C;
      for (int64_t c = 0; c < C; c++) { acc[c] += row[c]; acc[C + c] += (double)row[c] * row[c]; }
    }
    for (int64_t k = 0; k < d.G; k++) {
      double s = 0, s2 = 0;
      for (int64_t c = k * Cg; c < (k + 1) * Cg; c++) { s += acc[c]; s2 += acc[C + c]; }
      double cnt = (double)(d.HW * Cg), m = cnt > 0 ? s / cnt : 0, v = cnt > 0 ? s2 / cnt - m * m : 0;
      if (v < 0) v = 0;
      double r = 1.0 / sqrt(v + eps);
      mp[bi * d.G + k] = (float)m;
      rp[bi * d.G + k] = (float)r;
      for (int64_t c = k * Cg; c < (k + 1) * Cg; c++) { ac[c] = (float)(r * gp[c]); ac[C + c] = (float)(bp[c] - m * r * gp[c]); }
    }
    for (int64_t i = 0; i < d.HW; i++) {
      const float *row = xb + i * C;
      float *out = yb + i * C;
      for (int64_t c = 0; c < C; c++) out[c] = row[c] * ac[c] + ac[C + c];
      if (act) for (int64_t c = 0; c < C; c++) out[c] = out[c] * sigmoidf(out[c]);
    }
  }
  free(acc);
  free(ac);
  return NULL;
}

// groupNormGrad(B, HW, C, G, act, dy, x, gamma, beta, mean, rstd, dx, dgamma, dbeta)
static napi_value group_norm_grad(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value argv[14];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  GnDims d;
  bool act;
  Array dy, x, g, b, mu, rs, dx, dg, db;
  if (argc != 14 || !gn_dims(env, argv, &d) || !get_bool(env, argv[4], &act) ||
      !get_array(env, argv[5], napi_float32_array, &dy) || !get_array(env, argv[6], napi_float32_array, &x) ||
      !get_array(env, argv[7], napi_float32_array, &g) || !get_array(env, argv[8], napi_float32_array, &b) ||
      !get_array(env, argv[9], napi_float32_array, &mu) || !get_array(env, argv[10], napi_float32_array, &rs) ||
      !get_array(env, argv[11], napi_float32_array, &dx) || !get_array(env, argv[12], napi_float32_array, &dg) ||
      !get_array(env, argv[13], napi_float32_array, &db))
    FAIL("groupNormGrad: wrong argument types or dims (C must be a multiple of G)");
  int64_t n = d.B * d.HW * d.C, C = d.C, Cg = d.C / d.G;
  if (!fits(&dy, 0, n) || !fits(&x, 0, n) || !fits(&dx, 0, n) || !fits(&g, 0, C) || !fits(&b, 0, C) || !fits(&dg, 0, C) ||
      !fits(&db, 0, C) || !fits(&mu, 0, d.B * d.G) || !fits(&rs, 0, d.B * d.G))
    FAIL("groupNormGrad: array too short");
  double *acc = malloc((size_t)(4 * C) * sizeof(double));  // per-sample Σdpre, Σdpre·x̂; totals for dβ, dγ
  float *ac = malloc((size_t)(6 * C) * sizeof(float));      // per channel: a, c (pre-activation), μ, rstd, m1, m2
  double *m12 = malloc((size_t)(2 * d.G) * sizeof(double));
  if (acc == NULL || ac == NULL || m12 == NULL) { free(acc); free(ac); free(m12); FAIL("groupNormGrad: out of memory"); }
  const float *dyp = dy.data, *xp = x.data, *gp = g.data, *bp = b.data, *mp = mu.data, *rp = rs.data;
  float *dxp = dx.data, *dgp = dg.data, *dbp = db.data;
  float *A = ac, *Cp = ac + C, *M = ac + 2 * C, *R = ac + 3 * C, *M1 = ac + 4 * C, *M2 = ac + 5 * C;
  memset(acc + 2 * C, 0, (size_t)(2 * C) * sizeof(double));
  for (int64_t bi = 0; bi < d.B; bi++) {
    const float *xb = xp + bi * d.HW * C, *dyb = dyp + bi * d.HW * C;
    float *dxb = dxp + bi * d.HW * C;
    for (int64_t c = 0; c < C; c++) {
      int64_t k = c / Cg;
      M[c] = mp[bi * d.G + k];
      R[c] = rp[bi * d.G + k];
      A[c] = R[c] * gp[c];
      Cp[c] = bp[c] - M[c] * A[c];
    }
    memset(acc, 0, (size_t)(2 * C) * sizeof(double));
    // Pass 1: dpre (kept in dx as scratch, so SiLU's sigmoid is evaluated once) and the per-channel sums.
    for (int64_t i = 0; i < d.HW; i++) {
      const float *xr = xb + i * C, *dyr = dyb + i * C;
      float *dr = dxb + i * C;
      if (act) {
        for (int64_t c = 0; c < C; c++) {
          float p = xr[c] * A[c] + Cp[c], s = sigmoidf(p);
          dr[c] = dyr[c] * s * (1.0f + p * (1.0f - s));
        }
      } else {
        memcpy(dr, dyr, (size_t)C * sizeof(float));
      }
      for (int64_t c = 0; c < C; c++) {
        float xh = (xr[c] - M[c]) * R[c];
        acc[c] += dr[c];
        acc[C + c] += (double)dr[c] * xh;
      }
    }
    for (int64_t k = 0; k < d.G; k++) {
      double s1 = 0, s2 = 0;
      for (int64_t c = k * Cg; c < (k + 1) * Cg; c++) { s1 += gp[c] * acc[c]; s2 += gp[c] * acc[C + c]; }
      double cnt = (double)(d.HW * Cg);
      m12[k] = cnt > 0 ? s1 / cnt : 0;
      m12[d.G + k] = cnt > 0 ? s2 / cnt : 0;
    }
    for (int64_t c = 0; c < C; c++) {
      M1[c] = (float)m12[c / Cg];
      M2[c] = (float)m12[d.G + c / Cg];
      acc[2 * C + c] += acc[c];
      acc[3 * C + c] += acc[C + c];
    }
    // Pass 2: dx = rstd·(dpre·γ − m1 − x̂·m2), over dpre in place.
    for (int64_t i = 0; i < d.HW; i++) {
      const float *xr = xb + i * C;
      float *dr = dxb + i * C;
      for (int64_t c = 0; c < C; c++) {
        float xh = (xr[c] - M[c]) * R[c];
        dr[c] = R[c] * (dr[c] * gp[c] - M1[c] - xh * M2[c]);
      }
    }
  }
  for (int64_t c = 0; c < C; c++) { dbp[c] = (float)acc[2 * C + c]; dgp[c] = (float)acc[3 * C + c]; }
  free(acc);
  free(ac);
  free(m12);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
      {"dgemm", NULL, dgemm, NULL, NULL, NULL, napi_default, NULL},
      {"sgemmBatch", NULL, sgemm_batch, NULL, NULL, NULL, napi_default, NULL},
      {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_default, NULL},
      {"biasActivate", NULL, bias_activate, NULL, NULL, NULL, napi_default, NULL},
      {"binary", NULL, binary, NULL, NULL, NULL, napi_default, NULL},
      {"concat", NULL, concat, NULL, NULL, NULL, napi_default, NULL},
      {"sumRows", NULL, sum_rows_napi, NULL, NULL, NULL, napi_default, NULL},
      {"dsyevd", NULL, dsyevd, NULL, NULL, NULL, napi_default, NULL},
      {"dpotrf", NULL, dpotrf, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"getThreads", NULL, get_threads, NULL, NULL, NULL, napi_default, NULL},
      {"config", NULL, config, NULL, NULL, NULL, napi_default, NULL},
      {"groupNorm", NULL, group_norm, NULL, NULL, NULL, napi_default, NULL},
      {"groupNormGrad", NULL, group_norm_grad, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
