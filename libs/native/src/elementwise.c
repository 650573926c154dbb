// Memory-bound kernels: bias + activation in place, broadcasting binary ops, concatenation, leading-axis sums.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "parallel.h"

typedef struct {
  float *y;
  const float *bias;  // or NULL
  int64_t cols, act;
  float alpha;
} BiasTask;

// Rows [r0, r1) of biasActivate (a convolution's whole output: rows are split over parallel.h's pool).
static void bias_rows(void *ctx, int64_t r0, int64_t r1, int t) {
  (void)t;
  const BiasTask *k = ctx;
  const int64_t cols = k->cols;
  const float *bp = k->bias, a = k->alpha;
  for (int64_t r = r0; r < r1; r++) {
    float *row = k->y + r * cols;
    if (bp != NULL) for (int64_t c = 0; c < cols; c++) row[c] += bp[c];
    switch (k->act) {
      case 1: for (int64_t c = 0; c < cols; c++) row[c] = row[c] < 0 ? 0 : row[c]; break;  // NaN stays NaN
      case 2: for (int64_t c = 0; c < cols; c++) row[c] = row[c] < 0 ? 0 : (row[c] > 6 ? 6 : row[c]); break;
      case 3: for (int64_t c = 0; c < cols; c++) row[c] = row[c] < 0 ? a * row[c] : row[c]; break;
      case 4: for (int64_t c = 0; c < cols; c++) row[c] = 1.0f / (1.0f + expf(-row[c])); break;
      case 5: for (int64_t c = 0; c < cols; c++) row[c] = row[c] < 0 ? expm1f(row[c]) : row[c]; break;
      default: break;
    }
  }
}

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
  BiasTask k = {(float *)y.data + offY, has_bias ? (const float *)bias.data + offB : NULL, cols, act, (float)alpha};
  pfgm_parallel(rows, pfgm_threads(rows, rows * cols), bias_rows, &k);
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

typedef struct {
  float *out;
  const Array *parts;
  const double *inners;
  size_t count;
  int64_t total;  // Σ inners
} ConcatTask;

// Rows [o0, o1) of the concatenation, over parallel.h's pool.
static void concat_rows(void *ctx, int64_t o0, int64_t o1, int t) {
  (void)t;
  const ConcatTask *k = ctx;
  for (int64_t o = o0; o < o1; o++) {
    float *po = k->out + o * k->total;
    for (size_t i = 0; i < k->count; i++) {
      int64_t n = (int64_t)k->inners[i];
      memcpy(po, (const float *)k->parts[i].data + o * n, (size_t)n * sizeof(float));
      po += n;
    }
  }
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
  ConcatTask k = {O.data, parts, (const double *)inner.data, inner.length, total};
  pfgm_parallel(outer, pfgm_threads(outer, outer * total), concat_rows, &k);
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

PFGM_EXPORTS({"biasActivate", bias_activate},
              {"binary", binary},
              {"concat", concat},
              {"sumRows", sum_rows_napi})
