// Shared by the addon's files: N-API argument helpers and bounds checks. Every array argument is a typed array
// (usually a Float32Array view of the wasm heap, which may be backed by a SharedArrayBuffer) plus an element offset
// into it; every extent is checked against the array's length before any pointer is touched, so a wrong shape from
// JS is an exception, never a write outside the array. Matrices are row-major. Nothing allocates JS objects on the
// hot path. Each .c file lists its JS functions with PFGM_EXPORTS; init.c defines them on the module.
#ifndef PFGM_NATIVE_COMMON_H
#define PFGM_NATIVE_COMMON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <node_api.h>

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

static inline int get_array(napi_env env, napi_value v, napi_typedarray_type want, Array *out) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  napi_value buf;
  size_t off;
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buf, &off) != napi_ok) return 0;
  return out->type == want;
}

static inline int get_i64(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

static inline int get_f64(napi_env env, napi_value v, double *out) {
  return napi_get_value_double(env, v, out) == napi_ok;
}

static inline int get_bool(napi_env env, napi_value v, bool *out) {
  return napi_get_value_bool(env, v, out) == napi_ok;
}

// Elements a row-major rows×cols matrix with leading dimension ld touches from its first element.
static inline int64_t extent(int64_t rows, int64_t cols, int64_t ld) {
  return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
}

static inline int fits(const Array *a, int64_t off, int64_t n) {
  return off >= 0 && n >= 0 && (uint64_t)(off + n) <= a->length;
}

// A JS function of the addon: its name on the module object and its implementation.
typedef struct {
  const char *name;
  napi_callback fn;
} PfgmExport;

// Adds a file's functions to the module's list (called before init by PFGM_EXPORTS' constructor).
void pfgm_register(const PfgmExport *list, size_t n);

// PFGM_EXPORTS({"name", fn}, …): the file's functions, registered when the shared object loads.
#define PFGM_EXPORTS(...)                                                        \
  static const PfgmExport pfgm_file_exports[] = {__VA_ARGS__};                    \
  __attribute__((constructor)) static void pfgm_file_register(void) {             \
    pfgm_register(pfgm_file_exports, sizeof pfgm_file_exports / sizeof pfgm_file_exports[0]); \
  }

#endif
