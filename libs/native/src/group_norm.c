// GroupNorm (+ SiLU), fused forward and backward.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

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

PFGM_EXPORTS({"groupNorm", group_norm},
              {"groupNormGrad", group_norm_grad})
