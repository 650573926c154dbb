import * as tf from '@tensorflow/tfjs-core';
import { fusedGroupNormAvailable, GROUP_NORM_GRAD_KERNEL, GROUP_NORM_KERNEL, type GroupNormAttrs } from '@pfgm/tensor';

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
 * and group, scaled by gamma [C], shifted by beta [C]; eps 1e-6 as in score_sde. One custom-gradient op:
 * - statistics come from per-channel spatial means (average pooling over H×W, NHWC-native on every backend; no
 *   transposes), combined per group on [B, C]-sized tensors; var = E[x²] − E[x]² (clamped at 0);
 * - the forward is then one per-channel affine map y = x·a + c (+ SiLU);
 * - it saves only x and [B, C]-sized factors, instead of the ~7 full-size tensors autograd of the composite keeps.
 * Backward: x̂ = (x − μ)/σ, dx̂ = dy'·gamma, dx = (dx̂ − mean_g(dx̂) − x̂·mean_g(dx̂·x̂))/σ.
 */
export function groupNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps = 1e-6): tf.Tensor {
  return groupNormOp(x, gamma, beta, groups, eps, false);
}

/** SiLU(GroupNorm(x)) as one op (see {@link groupNorm}). */
export function groupNormSilu(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps = 1e-6): tf.Tensor {
  return groupNormOp(x, gamma, beta, groups, eps, true);
}

/** Per-channel spatial mean: [B, H, W, C] → [B, 1, 1, C]. */
function channelMean(x: tf.Tensor): tf.Tensor {
  const [, H, W] = x.shape;
  return tf.avgPool(x as tf.Tensor4D, [H, W], [H, W], 'valid');
}

/** Averages a per-channel statistic [B, 1, 1, C] over each group of C/G channels and broadcasts it back. */
function groupMean(s: tf.Tensor, groups: number): tf.Tensor {
  const [B, , , C] = s.shape;
  const g = tf.mean(tf.reshape(s, [B, groups, C / groups]), 2, true); // [B, G, 1]
  return tf.reshape(tf.tile(g, [1, 1, C / groups]), [B, 1, 1, C]);
}

function groupNormOp(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps: number, act: boolean): tf.Tensor {
  if (x.rank === 4 && x.dtype === 'float32' && fusedGroupNormAvailable()) return fusedGroupNormOp(x, gamma, beta, groups, eps, act);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const mu = groupMean(channelMean(xIn), groups); // [B, 1, 1, C]
    const variance = tf.relu(tf.sub(groupMean(channelMean(tf.square(xIn)), groups), tf.square(mu)));
    const rstd = tf.rsqrt(tf.add(variance, eps)); // [B, 1, 1, C]
    const a = tf.mul(rstd, g); // y = x·a + c
    const c = tf.sub(b, tf.mul(mu, a));
    const pre = tf.add(tf.mul(xIn, a), c);
    save([xIn, mu, rstd, a, c, g]);
    return {
      value: act ? tf.mul(pre, tf.sigmoid(pre)) : pre,
      gradFunc: (dy: tf.Tensor, [xs, mus, rs, as, cs, gs]: tf.Tensor[]) => {
        const [, H, W, C] = xs.shape;
        let dpre = dy;
        if (act) {
          const p = tf.add(tf.mul(xs, as), cs);
          const s = tf.sigmoid(p);
          dpre = tf.mul(dy, tf.mul(s, tf.add(1, tf.mul(p, tf.sub(1, s)))));
        }
        const xhat = tf.mul(tf.sub(xs, mus), rs); // [B, H, W, C]
        const sumDpre = tf.mul(channelMean(dpre), H * W); // [B, 1, 1, C]
        const meanDpreXhat = channelMean(tf.mul(dpre, xhat)); // [B, 1, 1, C]
        const dgamma = tf.reshape(tf.sum(tf.mul(meanDpreXhat, H * W), [0, 1, 2]), [C]);
        const dbeta = tf.reshape(tf.sum(sumDpre, [0, 1, 2]), [C]);
        const m1 = groupMean(tf.mul(tf.div(sumDpre, H * W), gs), groups); // mean_g(dx̂)
        const m2 = groupMean(tf.mul(meanDpreXhat, gs), groups); // mean_g(dx̂·x̂)
        // dx = σ⁻¹·(dpre·gamma − m1 − x̂·m2) = dpre·a + x̂·(−m2/σ) + (−m1/σ)
        const dx = tf.add(tf.add(tf.mul(dpre, as), tf.mul(xhat, tf.neg(tf.mul(m2, rs)))), tf.neg(tf.mul(m1, rs)));
        return [dx, dgamma, dbeta];
      },
    };
  }) as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  return op(x, gamma, beta);
}

/**
 * The same op on the fused kernels of the active backend (wasm with @pfgm/native): forward and backward are one
 * kernel each instead of ≈ 6 and ≈ 17 full-tensor passes; the backward needs only x and the [B, G] statistics.
 */
function fusedGroupNormOp(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps: number, act: boolean): tf.Tensor {
  const attrs: GroupNormAttrs = { groups, eps, act };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, rstd] = tf.engine().runKernel(GROUP_NORM_KERNEL, { x: xIn, gamma: g, beta: b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    save([xIn, g, b, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [xs, gs, bs, ms, rs]: tf.Tensor[]) =>
        tf.engine().runKernel(GROUP_NORM_GRAD_KERNEL, { dy, x: xs, gamma: gs, beta: bs, mean: ms, rstd: rs }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[],
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
