{
  "targets": [
    {
      "target_name": "pfgm_native",
      "sources": ["<!@(ls src/*.c)"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lopenblas", "-lm"]
    }
  ]
}
