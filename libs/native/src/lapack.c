// LAPACK (Fortran symbols, provided by OpenBLAS's bundled LAPACK): symmetric eigensolver and Cholesky, float64.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info);

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

PFGM_EXPORTS({"dsyevd", dsyevd},
              {"dpotrf", dpotrf})
