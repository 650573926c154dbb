// Small float32 products by register-tiled loops, split over threads. OpenBLAS reaches ~200 GFLOP/s on big GEMMs
// here but 20–30 on the attention's products ([196, 196]·[196, 32] × 32 entries, [6272, 32]·[32, 32]): each call
// packs both operands and wakes its threads, and a batch runs its entries one after another. Here a tile of R rows ×
// 16·NV columns of C stays in vector registers while k runs over the whole (short) inner dimension; only op(B) is
// packed (when transposed or ragged), 64 columns at a time; the batch's rows are shared out among the threads.
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "parallel.h"
#include "small_gemm.h"

// -std=c11 (binding.gyp) turns off GCC's contraction of a·b + c into fused multiply-adds; the tiles need them (half
// the instructions: [8192, 64]·[64, 64] 0.62 → 0.21 ms). Results round once per product term, as OpenBLAS's do.
#pragma GCC optimize("fp-contract=fast")

#define SMALL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
// Products under this many multiply-adds run on the calling thread alone.
#define MIN_THREADED ((int64_t)1 << 20)

// 16 floats: one AVX-512 register (two AVX2 or four SSE registers in the other clones); aligned(4) allows
// unaligned loads and stores through it.
typedef float v16f __attribute__((vector_size(64), aligned(4)));

// Columns of C per pass: four vectors, op(B)'s packed panel K×64.
#define PANEL 64

// C[0..rows, 0..cols) = Σ_k a(r, k)·b[k, :] for a tile of R rows (rows ≤ R; cols ≤ 16·NV), a(r, k) = a[r·lda + k]
// or, transposed (TA), a[k·lda + r]; b's rows ldp apart, zero-padded to 16·NV.
static inline __attribute__((always_inline)) void tile(const float *a, int64_t lda, const float *b, int64_t ldp, int64_t K, float *c, int64_t ldc,
                                                       int64_t cols, const int TA, const int R, const int NV) {
  v16f acc[12][4];
  for (int r = 0; r < R; r++)
    for (int v = 0; v < NV; v++) acc[r][v] = (v16f){0};
  for (int64_t k = 0; k < K; k++) {
    const v16f *bk = (const v16f *)(b + k * ldp);
    v16f bv[4];
    for (int v = 0; v < NV; v++) bv[v] = bk[v];
    for (int r = 0; r < R; r++) {
      const float x = TA ? a[k * lda + r] : a[r * lda + k];
      for (int v = 0; v < NV; v++) acc[r][v] += bv[v] * x;
    }
  }
  if (cols == 16 * NV) {
    for (int r = 0; r < R; r++)
      for (int v = 0; v < NV; v++) *(v16f *)(c + r * ldc + 16 * v) = acc[r][v];
    return;
  }
  for (int r = 0; r < R; r++) {
    float row[64];
    for (int v = 0; v < NV; v++) *(v16f *)(row + 16 * v) = acc[r][v];
    memcpy(c + r * ldc, row, (size_t)cols * sizeof(float));
  }
}

// Rows per tile for NV vectors: R·NV accumulators of AVX-512's 32 registers, leaving room for b and a.
static const int ROWS[5] = {0, 8, 12, 8, 6};

#define TILE_CASE(TA, R, NV) \
  case R: tile(a, lda, b, ldp, K, c, ldc, cols, TA, R, NV); break;

// One tile of `rows` (≤ ROWS[nv]) rows and nv vectors of columns, rows and nv as compile-time constants.
#define TILE_SWITCH(TA)                                                                                          \
  switch (nv) {                                                                                                  \
    case 1:                                                                                                      \
      switch (rows) { TILE_CASE(TA, 1, 1) TILE_CASE(TA, 2, 1) TILE_CASE(TA, 3, 1) TILE_CASE(TA, 4, 1)          \
                      TILE_CASE(TA, 5, 1) TILE_CASE(TA, 6, 1) TILE_CASE(TA, 7, 1) TILE_CASE(TA, 8, 1) }        \
      break;                                                                                                     \
    case 2:                                                                                                      \
      switch (rows) { TILE_CASE(TA, 1, 2) TILE_CASE(TA, 2, 2) TILE_CASE(TA, 3, 2) TILE_CASE(TA, 4, 2)          \
                      TILE_CASE(TA, 5, 2) TILE_CASE(TA, 6, 2) TILE_CASE(TA, 7, 2) TILE_CASE(TA, 8, 2)          \
                      TILE_CASE(TA, 9, 2) TILE_CASE(TA, 10, 2) TILE_CASE(TA, 11, 2) TILE_CASE(TA, 12, 2) }     \
      break;                                                                                                     \
    case 3:                                                                                                      \
      switch (rows) { TILE_CASE(TA, 1, 3) TILE_CASE(TA, 2, 3) TILE_CASE(TA, 3, 3) TILE_CASE(TA, 4, 3)          \
                      TILE_CASE(TA, 5, 3) TILE_CASE(TA, 6, 3) TILE_CASE(TA, 7, 3) TILE_CASE(TA, 8, 3) }        \
      break;                                                                                                     \
    default:                                                                                                     \
      switch (rows) { TILE_CASE(TA, 1, 4) TILE_CASE(TA, 2, 4) TILE_CASE(TA, 3, 4) TILE_CASE(TA, 4, 4)          \
                      TILE_CASE(TA, 5, 4) TILE_CASE(TA, 6, 4) }                                                \
      break;                                                                                                     \
  }

SMALL_CLONES static void tile_rows(const float *a, int64_t lda, const float *b, int64_t ldp, int64_t K, float *c, int64_t ldc, int64_t cols,
                                   int ta, int rows, int nv) {
  if (ta) {
    TILE_SWITCH(1)
  } else {
    TILE_SWITCH(0)
  }
}

// op(B)[0..K, j0..j0+w) into p (K rows of PANEL floats), zero beyond w up to a whole vector. A transposed B is read
// 64 k at a time, so its rows are read in 256-byte runs while the written block stays in L1.
static void pack_panel(const GemmBatch *g, const float *B, int64_t j0, int64_t w, float *p) {
  int64_t wp = (w + 15) / 16 * 16;
  if (g->tb) {
    for (int64_t k0 = 0; k0 < g->K; k0 += 64) {
      int64_t k1 = g->K - k0 < 64 ? g->K : k0 + 64;
      for (int64_t j = 0; j < w; j++) {
        const float *bj = B + (j0 + j) * g->ldb;
        for (int64_t k = k0; k < k1; k++) p[k * PANEL + j] = bj[k];
      }
    }
  } else {
    for (int64_t k = 0; k < g->K; k++) memcpy(p + k * PANEL, B + k * g->ldb + j0, (size_t)w * sizeof(float));
  }
  for (int64_t k = 0; k < g->K; k++)
    for (int64_t j = w; j < wp; j++) p[k * PANEL + j] = 0;
}

// Rows [r0, r1) of entry e's C.
static void entry_rows(const GemmBatch *g, int64_t e, int64_t r0, int64_t r1, float *panel) {
  const float *A = g->A + (int64_t)g->offA[e], *B = g->B + (int64_t)g->offB[e];
  float *C = g->C + (int64_t)g->offC[e];
  for (int64_t j0 = 0; j0 < g->N; j0 += PANEL) {
    int64_t w = g->N - j0 < PANEL ? g->N - j0 : PANEL;
    int nv = (int)((w + 15) / 16);
    const float *b;
    int64_t ldp;
    if (!g->tb && w % 16 == 0) {
      b = B + j0;  // op(B)'s rows are whole vectors already
      ldp = g->ldb;
    } else {
      pack_panel(g, B, j0, w, panel);
      b = panel;
      ldp = PANEL;
    }
    for (int64_t i = r0; i < r1; i += ROWS[nv]) {
      int rows = (int)(r1 - i < ROWS[nv] ? r1 - i : ROWS[nv]);
      const float *a = g->ta ? A + i : A + i * g->lda;
      tile_rows(a, g->lda, b, ldp, g->K, C + i * g->ldc + j0, g->ldc, w, g->ta, rows, nv);
    }
  }
}

// op(B)'s packed panel, kept per thread between calls (grown as needed).
static _Thread_local float *own_panel = NULL;
static _Thread_local size_t own_panel_size = 0;

// Rows [r0, r1) of the whole batch (entry e's row i is e·M + i). False when the panel cannot be allocated.
static bool batch_rows(const GemmBatch *g, int64_t r0, int64_t r1) {
  size_t need = (size_t)g->K * PANEL;
  if (need > own_panel_size) {
    free(own_panel);
    own_panel = malloc(need * sizeof(float));
    own_panel_size = own_panel == NULL ? 0 : need;
    if (own_panel == NULL) return false;
  }
  for (int64_t e = r0 / g->M; e < g->count && e * g->M < r1; e++) {
    int64_t i0 = r0 > e * g->M ? r0 - e * g->M : 0;
    int64_t i1 = r1 < (e + 1) * g->M ? r1 - e * g->M : g->M;
    entry_rows(g, e, i0, i1, own_panel);
  }
  return true;
}

// A batch is cut into chunks of rows that the threads of parallel.h's pool claim (the caller never waits for a worker
// that was not scheduled in time: it then does every chunk itself).
typedef struct {
  const GemmBatch *g;
  int64_t rows, chunk;
  atomic_bool failed;  // a panel allocation failed
} Chunks;

static void run_chunks(void *ctx, int64_t c0, int64_t c1, int t) {
  (void)t;
  Chunks *k = ctx;
  for (int64_t c = c0; c < c1; c++) {
    int64_t r0 = c * k->chunk, r1 = r0 + k->chunk < k->rows ? r0 + k->chunk : k->rows;
    if (!batch_rows(k->g, r0, r1)) atomic_store(&k->failed, true);
  }
}

// Measured in-process against the OpenBLAS path (tfjs matMul on the wasm heap, 2 threads, loaded machine, median
// ratio of 5 alternating rounds): N ≤ 64 at any K wins 1.7–11× ([6272, 32]·[32, 32] 2.9×, [6272, 32]ᵀ·[6272, 32]
// 10.6×, [8192, 64]·[64, 64] 2.0×); N ≤ 256 with K ≤ 64 or M ≤ 256 1.2–5.4× ([196, 196]·[196, 32] × 32 1.3–1.5×,
// q·kᵀ [196, 32]·[196, 32]ᵀ × 32 2.3×, [256, 256]·[256, 64] × 32 5.4×); OpenBLAS's blocking wins on wide products
// (C: [2312, 256]·[256, 256] 0.93×, 1024³ 0.2×). Entries of fewer than 64 rows stay with OpenBLAS when B is
// transposed (packing it costs as much as the product: [32, 6272]·[32, 6272]ᵀ 0.6×) or when there are several (its
// single-threaded small-matrix path: [32, 196]ᵀ·[196, 32] × 32 0.6×), and so do products under 2^15 multiply-adds.
bool small_gemm_wins(int64_t M, int64_t N, int64_t K, int64_t count, bool tb) {
  if (count * M * N * K < (int64_t)1 << 15 || (M < 64 && (tb || count > 1))) return false;
  return N <= 64 || (N <= 256 && (K <= 64 || (M <= 256 && K <= 512)));
}

bool small_gemm(const GemmBatch *g) {
  if (g->M == 0 || g->N == 0 || g->count == 0) return true;
  if (g->K == 0) {
    for (int64_t e = 0; e < g->count; e++)
      for (int64_t i = 0; i < g->M; i++) memset(g->C + (int64_t)g->offC[e] + i * g->ldc, 0, (size_t)g->N * sizeof(float));
    return true;
  }
  int64_t rows = g->count * g->M, per_row = g->N * g->K;
  int threads = pfgm_threads(rows, rows * per_row < MIN_THREADED ? 0 : PFGM_MIN_PARALLEL_WORK);
  // Chunks of ≥ 24 rows (whole tiles) and ≥ 2^17 multiply-adds, about four per thread.
  int64_t chunk = (rows + 4 * threads - 1) / (4 * threads);
  int64_t least = ((int64_t)1 << 17) / per_row;
  if (chunk < least) chunk = least;
  chunk = (chunk + 23) / 24 * 24;
  int64_t chunks = (rows + chunk - 1) / chunk;
  Chunks k = {g, rows, chunk, false};
  pfgm_parallel(chunks, chunks > 1 ? threads : 1, run_chunks, &k);
  return !atomic_load(&k.failed);
}
