import * as tf from '@tensorflow/tfjs-core';

// Functional building blocks on tfjs-core ops whose gradients work on cpu and wasm (see tfjs-wasm.md).
// NHWC throughout. None of these dispose their arguments; callers run them inside tf.tidy.

/**
 * SiLU / swish: x·σ(x) (score_sde `nonlinearity='swish'`). Custom gradient dy·σ(x)·(1 + x·(1 − σ(x))) saves only x
 * (autograd of x·σ(x) would keep x, σ(x) and a copy for the sigmoid: 3× the activation memory).
 */
export function silu(x: tf.Tensor): tf.Tensor {
  return siluOp(x);
}

const siluOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.mul(x, tf.sigmoid(x)),
    gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => {
      const s = tf.sigmoid(xs);
      return tf.mul(dy, tf.mul(s, tf.add(1, tf.mul(xs, tf.sub(1, s)))));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** Dense layer: x·W + b. x [B, in], W [in, out], b [out] → [B, out]. */
export function dense(x: tf.Tensor, W: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.add(tf.matMul(x as tf.Tensor2D, W as tf.Tensor2D), b);
}

/** 2-D convolution with bias; 'same' padding unless given. x [B, H, W, Cin], W [k, k, Cin, Cout] → [B, H', W', Cout]. */
export function conv2d(
  x: tf.Tensor,
  W: tf.Tensor,
  b: tf.Tensor,
  stride = 1,
  pad: 'same' | 'valid' = 'same',
): tf.Tensor4D {
  return tf.fused.conv2d({
    x: x as tf.Tensor4D,
    filter: W as tf.Tensor4D,
    bias: b,
    strides: stride,
    pad,
  });
}

/** Pointwise linear map on channels ("NIN" in score_sde): [B, H, W, Cin]·[Cin, Cout] + b. */
export function nin(x: tf.Tensor, W: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [B, H, Wd, C] = x.shape;
  const y = dense(tf.reshape(x, [B * H * Wd, C]), W, b); // [B·H·W, Cout]
  return tf.reshape(y, [B, H, Wd, W.shape[1] as number]);
}

/**
 * GroupNorm (Wu & He 2018), optionally followed by SiLU: x [B, H, W, C] is normalised over (H, W, C/G) per sample
 * and group, scaled by gamma [C], shifted by beta [C]; eps 1e-6 as in score_sde. One custom-gradient op that saves
 * only x̂ (normalised x) and 1/σ, instead of the ~7 full-size tensors autograd of the composite would keep.
 * Backward: dx = (1/σ)·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with means over each group, dx̂ = dy'·gamma.
 */
export function groupNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps = 1e-6): tf.Tensor {
  return groupNormOp(x, gamma, beta, groups, eps, false);
}

/** SiLU(GroupNorm(x)) as one op (see {@link groupNorm}). */
export function groupNormSilu(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps = 1e-6): tf.Tensor {
  return groupNormOp(x, gamma, beta, groups, eps, true);
}

function groupNormOp(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps: number, act: boolean): tf.Tensor {
  const [B, H, W, C] = x.shape;
  const gShape = [B, H * W, groups, C / groups]; // [B, HW, G, C/G]
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const xg = tf.reshape(xIn, gShape);
    const { mean, variance } = tf.moments(xg, [1, 3], true); // [B, 1, G, 1]
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(xg, mean), rstd); // [B, HW, G, C/G]
    const pre = tf.add(tf.mul(tf.reshape(xhat, [B, H, W, C]), g), b);
    save([xhat, rstd, g, b]);
    return {
      value: act ? tf.mul(pre, tf.sigmoid(pre)) : pre,
      gradFunc: (dy: tf.Tensor, [xh, rs, gs, bs]: tf.Tensor[]) => {
        const xh4 = tf.reshape(xh, [B, H, W, C]);
        let dpre = dy;
        if (act) {
          const p = tf.add(tf.mul(xh4, gs), bs);
          const s = tf.sigmoid(p);
          dpre = tf.mul(dy, tf.mul(s, tf.add(1, tf.mul(p, tf.sub(1, s)))));
        }
        const dgamma = tf.sum(tf.mul(dpre, xh4), [0, 1, 2]); // [C]
        const dbeta = tf.sum(dpre, [0, 1, 2]); // [C]
        const dxhat = tf.reshape(tf.mul(dpre, gs), gShape);
        const m1 = tf.mean(dxhat, [1, 3], true);
        const m2 = tf.mean(tf.mul(dxhat, xh), [1, 3], true);
        const dx = tf.mul(tf.sub(tf.sub(dxhat, m1), tf.mul(xh, m2)), rs);
        return [tf.reshape(dx, [B, H, W, C]), dgamma, dbeta];
      },
    };
  }) as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  return op(x, gamma, beta);
}

/** Nearest-neighbour 2× upsampling by reshape × ones (its gradient is a plain sum; correct on every backend). */
export function upsampleNearest2x(x: tf.Tensor): tf.Tensor {
  const [B, H, W, C] = x.shape;
  const y = tf.mul(tf.reshape(x, [B, H, 1, W, 1, C]), tf.ones([1, 1, 2, 1, 2, 1])); // [B, H, 2, W, 2, C]
  return tf.reshape(y, [B, 2 * H, 2 * W, C]);
}

/** 2×2 average pooling, stride 2 (score_sde `naive_downsample_2d`). */
export function avgPool2x(x: tf.Tensor): tf.Tensor {
  return tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid');
}

/** Inverted dropout with a seeded mask (tf.dropout draws its mask from `seed`, identically on every backend). */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  return rate > 0 ? tf.dropout(x, rate, undefined, seed) : x;
}
