// The optimizer's per-weight updates, fused (issue 13): Adam (Kingma & Ba 2015, Alg. 1, the ε̂ form of §2 that
// @pfgm/train's adam.ts computes), the weight EMA (score_sde `models/ema.py`), and the squared L2 norm behind global
// gradient clipping (score_sde `losses.py` optimization_manager, `grad_clip`). The tfjs composites run ≈ 15 small
// kernels per weight tensor per step; these are one pass each. Every float32 operation is the composite's, in its
// order, with its float32 rounding (no FMA contraction: -std=c11 turns it off), so results are bit-identical.
#include <math.h>
#include <stdint.h>
#include "common.h"

// sqrtf without the errno branch, so the Adam loop vectorises (√ of a NaN or negative is NaN either way).
#pragma GCC optimize("no-math-errno")

#define OPT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); w' = w − s·(m' / (√v' + ε̂)). Scalars arrive already float32-rounded.
OPT_CLONES static void adam_update(int64_t n, const float *w, const float *g, const float *m, const float *v, float *wo, float *mo, float *vo,
                                   float b1, float c1, float b2, float c2, float s, float eh) {
  for (int64_t i = 0; i < n; i++) {
    const float mn = m[i] * b1 + g[i] * c1;
    const float gg = g[i] * g[i];
    const float vn = v[i] * b2 + gg * c2;
    const float q = mn / (sqrtf(vn) + eh);
    wo[i] = w[i] - s * q;
    mo[i] = mn;
    vo[i] = vn;
  }
}

// adam(w, g, m, v, wOut, mOut, vOut, β1, β2, stepSize, ε̂): one weight tensor's update into the three outputs (all of
// w's length). The float32 constants are the composite's: β1, 1−β1, β2, 1−β2 (differences in float64, as in JS).
static napi_value adam(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Array a[7];
  double b1, b2, s, eh;
  if (argc != 11) FAIL("adam: expected 11 arguments");
  for (int k = 0; k < 7; k++)
    if (!get_array(env, argv[k], napi_float32_array, &a[k])) FAIL("adam: w, g, m, v and the outputs must be Float32Arrays");
  if (!get_f64(env, argv[7], &b1) || !get_f64(env, argv[8], &b2) || !get_f64(env, argv[9], &s) || !get_f64(env, argv[10], &eh))
    FAIL("adam: β1, β2, stepSize and ε̂ must be numbers");
  int64_t n = (int64_t)a[0].length;
  for (int k = 1; k < 7; k++)
    if (!fits(&a[k], 0, n)) FAIL("adam: g, m, v or an output is shorter than w");
  adam_update(n, a[0].data, a[1].data, a[2].data, a[3].data, a[4].data, a[5].data, a[6].data, (float)b1, (float)(1.0 - b1), (float)b2,
              (float)(1.0 - b2), (float)s, (float)eh);
  return NULL;
}

// e' = e·β + w·(1−β).
OPT_CLONES static void ema_update(int64_t n, const float *e, const float *w, float *eo, float b, float c) {
  for (int64_t i = 0; i < n; i++) eo[i] = e[i] * b + w[i] * c;
}

// ema(e, w, out, β): one EMA tensor's update (out and w at least e's length).
static napi_value ema(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Array e, w, o;
  double b;
  if (argc != 4 || !get_array(env, argv[0], napi_float32_array, &e) || !get_array(env, argv[1], napi_float32_array, &w) ||
      !get_array(env, argv[2], napi_float32_array, &o) || !get_f64(env, argv[3], &b))
    FAIL("ema: expected (Float32Array ema, Float32Array w, Float32Array out, β)");
  int64_t n = (int64_t)e.length;
  if (!fits(&w, 0, n) || !fits(&o, 0, n)) FAIL("ema: w or out is shorter than ema");
  ema_update(n, e.data, w.data, o.data, (float)b, (float)(1.0 - b));
  return NULL;
}

// Σ x² in float64 (squares of float32 values are exact in float64); 8 partial sums so the loop vectorises.
OPT_CLONES static double sum_squares(int64_t n, const float *x) {
  double acc[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++) acc[k] += (double)x[i + k] * x[i + k];
  for (; i < n; i++) acc[0] += (double)x[i] * x[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// sumSquares(x): Σ x[i]² over the whole array, as a float64 number.
static napi_value sum_squares_napi(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Array x;
  if (argc != 1 || !get_array(env, argv[0], napi_float32_array, &x)) FAIL("sumSquares: expected (Float32Array x)");
  napi_value out;
  CHECK(napi_create_double(env, sum_squares((int64_t)x.length, x.data), &out));
  return out;
}

// x·s, float32.
OPT_CLONES static void scale_copy(int64_t n, const float *x, float *o, float s) {
  for (int64_t i = 0; i < n; i++) o[i] = x[i] * s;
}

// scale(x, out, s): out = x·s with s rounded to float32 (out at least x's length).
static napi_value scale(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Array x, o;
  double s;
  if (argc != 3 || !get_array(env, argv[0], napi_float32_array, &x) || !get_array(env, argv[1], napi_float32_array, &o) || !get_f64(env, argv[2], &s))
    FAIL("scale: expected (Float32Array x, Float32Array out, s)");
  if (!fits(&o, 0, (int64_t)x.length)) FAIL("scale: out is shorter than x");
  scale_copy((int64_t)x.length, x.data, o.data, (float)s);
  return NULL;
}

PFGM_EXPORTS({"adam", adam},
              {"ema", ema},
              {"sumSquares", sum_squares_napi},
              {"scale", scale})
