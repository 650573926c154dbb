// Winograd F(2×2, 3×3) forward convolution (Lavin & Gray 2016, "Fast Algorithms for Convolutional Neural Networks",
// §4.1): each 2×2 output tile is Aᵀ[Σ_ci (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ)]A, so the 9 multiplies per output and input channel
// of a 3×3 convolution become 16 per 4 outputs (2.25× fewer), done as 16 sgemms [tiles, Ci] × [Ci, Co]. Used for
// Inception-v3's wide 3×3 convolutions (FID), where im2col + sgemm is already near OpenBLAS's peak.
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include "conv.h"
#include "parallel.h"

// 16 floats: one AVX-512 register; aligned(4) allows unaligned loads and stores through it.
typedef float v16f __attribute__((vector_size(64), aligned(4)));
#define WINO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

int winograd_ok(const Conv *c) {
  return c->kh == 3 && c->kw == 3 && c->sh == 1 && c->sw == 1 && c->dh == 1 && c->dw == 1 && c->ci % 16 == 0 &&
         c->co % 16 == 0 && c->n > 0 && c->ho > 0 && c->wo > 0 && c->ci > 0;
}

// U[k][ci][co] = (G g Gᵀ)[k] for g = w[:, :, ci, co], G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]; k = 4r + c.
WINO_CLONES static void filter_transform(const float *w, float *U, int64_t Ci, int64_t Co) {
  const int64_t S = Ci * Co;
  for (int64_t ci = 0; ci < Ci; ci++)
    for (int64_t co = 0; co < Co; co += 16) {
      v16f g[3][3], t[4][3];
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) g[a][b] = *(const v16f *)(w + (a * 3 + b) * S + ci * Co + co);
      for (int b = 0; b < 3; b++) {
        t[0][b] = g[0][b];
        t[1][b] = (g[0][b] + g[1][b] + g[2][b]) * 0.5f;
        t[2][b] = (g[0][b] - g[1][b] + g[2][b]) * 0.5f;
        t[3][b] = g[2][b];
      }
      for (int r = 0; r < 4; r++) {
        v16f u[4] = {t[r][0], (t[r][0] + t[r][1] + t[r][2]) * 0.5f, (t[r][0] - t[r][1] + t[r][2]) * 0.5f, t[r][2]};
        for (int c = 0; c < 4; c++) *(v16f *)(U + (r * 4 + c) * S + ci * Co + co) = u[c];
      }
    }
}

// V[k][t − t0][ci] = (Bᵀ d B)[k] for the 4×4 input patch d of tile t (rows 2ti − pt …, columns 2tj − pl …; zero
// outside the image), Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]].
// The block's tiles start at b0 and number T (V's stride); this call does tiles [t0, t1) of it.
WINO_CLONES static void input_transform(const Conv *c, const float *x, float *V, int64_t b0, int64_t T, int64_t t0, int64_t t1, int64_t th, int64_t tw) {
  const int64_t Ci = c->ci;
  const v16f zero = {0};
  for (int64_t t = t0; t < t1; t++) {
    const int64_t n = t / (th * tw), rem = t % (th * tw), y0 = 2 * (rem / tw) - c->pt, x0 = 2 * (rem % tw) - c->pl;
    const float *row[4][4];
    for (int r = 0; r < 4; r++)
      for (int q = 0; q < 4; q++) {
        const int64_t yy = y0 + r, xx = x0 + q;
        row[r][q] = yy >= 0 && yy < c->h && xx >= 0 && xx < c->w ? x + ((n * c->h + yy) * c->w + xx) * Ci : NULL;
      }
    float *out = V + (t - b0) * Ci;
    for (int64_t ci = 0; ci < Ci; ci += 16) {
      v16f d[4][4], u[4][4];
      for (int r = 0; r < 4; r++)
        for (int q = 0; q < 4; q++) d[r][q] = row[r][q] != NULL ? *(const v16f *)(row[r][q] + ci) : zero;
      for (int q = 0; q < 4; q++) {
        u[0][q] = d[0][q] - d[2][q];
        u[1][q] = d[1][q] + d[2][q];
        u[2][q] = d[2][q] - d[1][q];
        u[3][q] = d[1][q] - d[3][q];
      }
      for (int r = 0; r < 4; r++) {
        *(v16f *)(out + ((r * 4 + 0) * T) * Ci + ci) = u[r][0] - u[r][2];
        *(v16f *)(out + ((r * 4 + 1) * T) * Ci + ci) = u[r][1] + u[r][2];
        *(v16f *)(out + ((r * 4 + 2) * T) * Ci + ci) = u[r][2] - u[r][1];
        *(v16f *)(out + ((r * 4 + 3) * T) * Ci + ci) = u[r][1] - u[r][3];
      }
    }
  }
}

// y tile = Aᵀ m A for m = M[k][t − t0][co], Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]]; outputs past ho/wo are dropped.
WINO_CLONES static void output_transform(const Conv *c, const float *M, float *y, int64_t b0, int64_t T, int64_t t0, int64_t t1, int64_t th, int64_t tw) {
  const int64_t Co = c->co;
  for (int64_t t = t0; t < t1; t++) {
    const int64_t n = t / (th * tw), rem = t % (th * tw), i0 = 2 * (rem / tw), j0 = 2 * (rem % tw);
    const float *in = M + (t - b0) * Co;
    for (int64_t co = 0; co < Co; co += 16) {
      v16f m[4][4], s[2][4];
      for (int k = 0; k < 16; k++) m[k / 4][k % 4] = *(const v16f *)(in + k * T * Co + co);
      for (int q = 0; q < 4; q++) {
        s[0][q] = m[0][q] + m[1][q] + m[2][q];
        s[1][q] = m[1][q] - m[2][q] - m[3][q];
      }
      for (int r = 0; r < 2; r++) {
        if (i0 + r >= c->ho) break;
        float *yp = y + ((n * c->ho + i0 + r) * c->wo + j0) * Co + co;
        *(v16f *)yp = s[r][0] + s[r][1] + s[r][2];
        if (j0 + 1 < c->wo) *(v16f *)(yp + Co) = s[r][1] - s[r][2] - s[r][3];
      }
    }
  }
}

typedef struct {
  const Conv *c;
  const float *x;
  float *V, *M, *y;
  int64_t b0, T, th, tw;
  int out;  // 0: input transform; 1: output transform
} TransformTask;

static void transform_items(void *ctx, int64_t i0, int64_t i1, int t) {
  (void)t;
  const TransformTask *k = ctx;
  if (k->out) output_transform(k->c, k->M, k->y, k->b0, k->T, k->b0 + i0, k->b0 + i1, k->th, k->tw);
  else input_transform(k->c, k->x, k->V, k->b0, k->T, k->b0 + i0, k->b0 + i1, k->th, k->tw);
}

int winograd_fwd(const Conv *c, const float *x, const float *w, float *y) {
  const int64_t Ci = c->ci, Co = c->co, th = (c->ho + 1) / 2, tw = (c->wo + 1) / 2, tiles = c->n * th * tw;
  // Tiles per block: V and M (16 · T · (Ci + Co) floats, ≈ 16 MiB) stay in L3 between transform and sgemm; measured
  // idle against 4, 8 and 64 MiB blocks (Inception's 3×3 layers: 1.2–1.7× im2col + sgemm at 16 MiB, ≤ 1.1× at 8).
  int64_t T = (int64_t)262144 / (Ci + Co);
  if (T < 128) T = 128;
  if (T > tiles) T = tiles;
  float *U = malloc((size_t)(16 * Ci * Co) * sizeof(float));
  float *V = malloc((size_t)(16 * T * Ci) * sizeof(float));
  float *M = malloc((size_t)(16 * T * Co) * sizeof(float));
  if (U == NULL || V == NULL || M == NULL) {
    free(U), free(V), free(M);
    return 0;
  }
  filter_transform(w, U, Ci, Co);
  for (int64_t t0 = 0; t0 < tiles; t0 += T) {
    const int64_t nt = t0 + T < tiles ? T : tiles - t0;
    // The transforms are memory-bound and per tile: split over the pool's threads; the sgemms use OpenBLAS's.
    const int threads = pfgm_threads(nt, 16 * nt * (Ci + Co));
    TransformTask k = {c, x, V, M, y, t0, nt, th, tw, 0};
    pfgm_parallel(nt, threads, transform_items, &k);
    for (int q = 0; q < 16; q++)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nt, (int)Co, (int)Ci, 1.0f, V + q * nt * Ci, (int)Ci,
                  U + q * Ci * Co, (int)Co, 0.0f, M + q * nt * Co, (int)Co);
    k.out = 1;
    pfgm_parallel(nt, threads, transform_items, &k);
  }
  free(U), free(V), free(M);
  return 1;
}
