{
  "targets": [
    {
      "target_name": "pfgm_native",
      "sources": ["src/pfgm_native.c"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lopenblas", "-lm"]
    }
  ]
}
