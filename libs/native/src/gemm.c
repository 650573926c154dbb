// GEMM through OpenBLAS (float32/float64) and a batch of dense float32 products; small float32 products by small_gemm.c.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include "common.h"
#include "small_gemm.h"

// gemm(transA, transB, M, N, K, alpha, A, offA, lda, B, offB, ldb, beta, C, offC, ldc): C = α op(A) op(B) + β C.
// A float32 C = op(A) op(B) of a small shape (small_gemm_wins) goes to small_gemm.c's tiled loops.
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
  } else if (alpha == 1 && beta == 0 && small_gemm_wins(M, N, K, 1, tb) &&
             small_gemm(&(GemmBatch){ta, tb, M, N, K, lda, ldb, ldc, 1, (float *)A.data, (float *)B.data,
                                     (float *)C.data, &(double){(double)offA}, &(double){(double)offB},
                                     &(double){(double)offC}})) {
    // done by the tiled loops
  } else {
    cblas_sgemm(CblasRowMajor, TA, TB, (int)M, (int)N, (int)K, (float)alpha, (float *)A.data + offA, (int)lda,
                (float *)B.data + offB, (int)ldb, (float)beta, (float *)C.data + offC, (int)ldc);
  }
  return NULL;
}

static napi_value sgemm(napi_env env, napi_callback_info info) { return gemm(env, info, 0); }
static napi_value dgemm(napi_env env, napi_callback_info info) { return gemm(env, info, 1); }

// sgemmBatch(transA, transB, M, N, K, A, offsA: Float64Array, B, offsB, C, offsC): C_i = op(A_i) op(B_i), dense
// (lda/ldb/ldc from the shapes), one entry per offset triple. Small products (small_gemm_wins) go to the tiled loops
// of small_gemm.c, the batch's rows shared among the threads; others to cblas_sgemm entry by entry.
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
  int64_t count = (int64_t)oC.length;
  GemmBatch batch = {ta, tb, M, N, K, lda > 1 ? lda : 1, ldb > 1 ? ldb : 1, N > 1 ? N : 1, count, A.data, B.data, C.data, pa, pb, pc};
  if (small_gemm_wins(M, N, K, count, tb) && small_gemm(&batch)) return NULL;
  for (size_t i = 0; i < oC.length; i++) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K,
                1.0f, (float *)A.data + (int64_t)pa[i], (int)(lda > 1 ? lda : 1), (float *)B.data + (int64_t)pb[i],
                (int)(ldb > 1 ? ldb : 1), 0.0f, (float *)C.data + (int64_t)pc[i], (int)(N > 1 ? N : 1));
  }
  return NULL;
}

PFGM_EXPORTS({"sgemm", sgemm},
              {"dgemm", dgemm},
              {"sgemmBatch", sgemm_batch})
