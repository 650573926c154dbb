// pfgm_native: OpenBLAS/LAPACK for tensors that live in the tfjs-wasm heap (or any typed array), zero copy.
// This file: OpenBLAS's thread count and build, and the module's init, which defines every file's PFGM_EXPORTS.
#include <stdio.h>
#include "common.h"

extern void openblas_set_num_threads(int n);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t n;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || !get_i64(env, argv[0], &n) || n < 1 || n > 1024) FAIL("setThreads: expected a positive integer");
  openblas_set_num_threads((int)n);
  return NULL;
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &out));
  return out;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info;
  char buf[512];
  snprintf(buf, sizeof buf, "%s (core %s)", openblas_get_config(), openblas_get_corename());
  napi_value out;
  CHECK(napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &out));
  return out;
}


#define PFGM_MAX_EXPORTS 64
static PfgmExport registry[PFGM_MAX_EXPORTS];
static size_t registered = 0;

void pfgm_register(const PfgmExport *list, size_t n) {
  for (size_t i = 0; i < n && registered < PFGM_MAX_EXPORTS; i++) registry[registered++] = list[i];
}

PFGM_EXPORTS({"setThreads", set_threads}, {"getThreads", get_threads}, {"config", config})

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[PFGM_MAX_EXPORTS];
  for (size_t i = 0; i < registered; i++) {
    props[i] = (napi_property_descriptor){registry[i].name, NULL, registry[i].fn, NULL, NULL, NULL, napi_default, NULL};
  }
  if (napi_define_properties(env, exports, registered, props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
