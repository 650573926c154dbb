// Split along one axis, the inverse of elementwise.c's concat (issue 13: SplitV is the gradient of every skip concat
// in the U-Net, and tfjs-wasm runs it as one strided Slice per part, 5–7 ms at [32, 28, 28, 48]). Rows of the outer
// dims are split over threads (parallel.h); each row is one memcpy per part.
#include <stdint.h>
#include <string.h>
#include "common.h"
#include "parallel.h"

#define SPLIT_MAX_PARTS 63

typedef struct {
  const float *x;
  int64_t total;  // Σ inners: the length of one row of x
  size_t parts;
  const int64_t *inner;
  float *const *out;
} SplitJob;

// Rows [o0, o1): part_i[o, :] = x[o, off_i : off_i + inner_i].
static void split_rows(void *ctx, int64_t o0, int64_t o1, int t) {
  const SplitJob *j = ctx;
  for (int64_t o = o0; o < o1; o++) {
    const float *src = j->x + o * j->total;
    for (size_t i = 0; i < j->parts; i++) {
      int64_t k = j->inner[i];
      memcpy(j->out[i] + o * k, src, (size_t)k * sizeof(float));
      src += k;
    }
  }
}

// split(x, outer, inners: Float64Array, ...parts): part_i [outer, inners[i]] (row-major) gets x[o, off_i : off_i +
// inners[i]] with x [outer, Σ inners] — a split along one axis into up to 63 parts.
static napi_value split(napi_env env, napi_callback_info info) {
  size_t argc = SPLIT_MAX_PARTS + 3;
  napi_value argv[SPLIT_MAX_PARTS + 3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Array X, inner;
  int64_t outer;
  if (argc < 4 || argc > SPLIT_MAX_PARTS + 3 || !get_array(env, argv[0], napi_float32_array, &X) || !get_i64(env, argv[1], &outer) ||
      !get_array(env, argv[2], napi_float64_array, &inner) || inner.length != argc - 3 || outer < 0)
    FAIL("split: expected (x, outer, inners, ...parts) with at most 63 parts");
  int64_t k[SPLIT_MAX_PARTS], total = 0;
  float *out[SPLIT_MAX_PARTS];
  for (size_t i = 0; i < inner.length; i++) {
    Array part;
    double v = ((double *)inner.data)[i];
    k[i] = (int64_t)v;
    if (k[i] < 0 || (double)k[i] != v || !get_array(env, argv[3 + i], napi_float32_array, &part) || !fits(&part, 0, outer * k[i]))
      FAIL("split: a part is not a Float32Array of [outer, inner]");
    out[i] = part.data;
    total += k[i];
  }
  if (!fits(&X, 0, outer * total)) FAIL("split: x too short");
  SplitJob j = {X.data, total, inner.length, k, out};
  pfgm_parallel(outer, pfgm_threads(outer, 2 * outer * total), split_rows, &j);
  return NULL;
}

PFGM_EXPORTS({"split", split})
