// Convolution geometry shared by conv.c and winograd.c: NHWC input [n, h, w, ci], filter [kh, kw, ci, co], output
// [n, ho, wo, co]; strides sh, sw, dilations dh, dw, top/left pads pt, pl (tfjs' convInfo).
#ifndef PFGM_NATIVE_CONV_H
#define PFGM_NATIVE_CONV_H
#include <stdint.h>

typedef struct {
  int64_t n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, pt, pl;
} Conv;

// Whether winograd_fwd computes this convolution (3×3, stride 1, no dilation, channels multiples of 16).
int winograd_ok(const Conv *c);

// y = conv(x, w) by Winograd F(2×2, 3×3); returns 0 when its scratch buffers cannot be allocated.
int winograd_fwd(const Conv *c, const float *x, const float *w, float *y);

#endif
