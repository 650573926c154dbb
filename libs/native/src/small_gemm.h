// Small float32 products by register-tiled loops (small_gemm.c), which gemm.c prefers to OpenBLAS where they win.
#ifndef PFGM_NATIVE_SMALL_GEMM_H
#define PFGM_NATIVE_SMALL_GEMM_H
#include <stdbool.h>
#include <stdint.h>

// A batch of products C_e = op(A_e)·op(B_e), each M×N with inner dimension K, entry e at element offsets
// offA[e], offB[e], offC[e] (doubles, as JS passes them) into A, B, C with leading dimensions lda, ldb, ldc.
typedef struct {
  bool ta, tb;
  int64_t M, N, K, lda, ldb, ldc, count;
  const float *A, *B;
  float *C;
  const double *offA, *offB, *offC;
} GemmBatch;

// Whether the tiled loops beat OpenBLAS on products of this shape (measured; see small_gemm.c).
bool small_gemm_wins(int64_t M, int64_t N, int64_t K, int64_t count, bool tb);

// Computes the batch (C overwritten), over OpenBLAS's thread count. Returns false on allocation failure (nothing or
// part written; the caller redoes it with OpenBLAS).
bool small_gemm(const GemmBatch *g);

#endif
