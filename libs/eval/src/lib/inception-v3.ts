import * as tf from '@tensorflow/tfjs-core';
import { INCEPTION_CONVS, type BasicConvSpec } from './inception-layout.js';
import type { InceptionParams } from './inception-params.js';

const SPECS = new Map(INCEPTION_CONVS.map((c) => [c.name, c]));

type Ctx = { p: InceptionParams };

/** BasicConv2d = conv + folded BN + ReLU; PyTorch padding (k−1)/2 at stride 1 ↔ 'same', 0 ↔ 'valid'. */
function basic(ctx: Ctx, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const spec = SPECS.get(name) as BasicConvSpec;
  const conv = ctx.p.convs.get(name);
  if (!conv) throw new Error(`inceptionV3: parameters lack '${name}'`);
  const { filter, bias } = conv;
  const pad = spec.pad[0] === 0 && spec.pad[1] === 0 ? 'valid' : 'same';
  return tf.fused.conv2d({ x, filter, bias, strides: spec.stride, pad, activation: 'relu' });
}
const chain = (ctx: Ctx, names: string[], x: tf.Tensor4D) => names.reduce((h, n) => basic(ctx, n, h), x);
const cat = (xs: tf.Tensor4D[]) => tf.concat4d(xs, 3);
/** TF AvgPool SAME divides by the in-bounds count = PyTorch count_include_pad=False (fid-spec §1.3). */
const avgPoolSame = (x: tf.Tensor4D) => tf.avgPool(x, 3, 1, 'same');
const maxPoolS2 = (x: tf.Tensor4D) => tf.maxPool(x, 3, 2, 'valid');

/** FIDInceptionA (Mixed_5b/c/d). */
function blockA(ctx: Ctx, m: string, x: tf.Tensor4D): tf.Tensor4D {
  return cat([
    basic(ctx, `${m}.branch1x1`, x),
    chain(ctx, [`${m}.branch5x5_1`, `${m}.branch5x5_2`], x),
    chain(ctx, [`${m}.branch3x3dbl_1`, `${m}.branch3x3dbl_2`, `${m}.branch3x3dbl_3`], x),
    basic(ctx, `${m}.branch_pool`, avgPoolSame(x)),
  ]);
}

/** InceptionB (Mixed_6a). */
function blockB(ctx: Ctx, m: string, x: tf.Tensor4D): tf.Tensor4D {
  return cat([
    basic(ctx, `${m}.branch3x3`, x),
    chain(ctx, [`${m}.branch3x3dbl_1`, `${m}.branch3x3dbl_2`, `${m}.branch3x3dbl_3`], x),
    maxPoolS2(x),
  ]);
}

/** FIDInceptionC (Mixed_6b..6e). */
function blockC(ctx: Ctx, m: string, x: tf.Tensor4D): tf.Tensor4D {
  return cat([
    basic(ctx, `${m}.branch1x1`, x),
    chain(ctx, [1, 2, 3].map((i) => `${m}.branch7x7_${i}`), x),
    chain(ctx, [1, 2, 3, 4, 5].map((i) => `${m}.branch7x7dbl_${i}`), x),
    basic(ctx, `${m}.branch_pool`, avgPoolSame(x)),
  ]);
}

/** InceptionD (Mixed_7a). */
function blockD(ctx: Ctx, m: string, x: tf.Tensor4D): tf.Tensor4D {
  return cat([
    chain(ctx, [`${m}.branch3x3_1`, `${m}.branch3x3_2`], x),
    chain(ctx, [1, 2, 3, 4].map((i) => `${m}.branch7x7x3_${i}`), x),
    maxPoolS2(x),
  ]);
}

/** FIDInceptionE_1 (Mixed_7b, avg pool without padding count) / E_2 (Mixed_7c, max pool: a quirk of the TF graph). */
function blockE(ctx: Ctx, m: string, x: tf.Tensor4D, pool: 'avg' | 'max'): tf.Tensor4D {
  const b3 = basic(ctx, `${m}.branch3x3_1`, x);
  const bd = chain(ctx, [`${m}.branch3x3dbl_1`, `${m}.branch3x3dbl_2`], x);
  const pooled = pool === 'avg' ? avgPoolSame(x) : tf.maxPool(x, 3, 1, 'same');
  return cat([
    basic(ctx, `${m}.branch1x1`, x),
    basic(ctx, `${m}.branch3x3_2a`, b3),
    basic(ctx, `${m}.branch3x3_2b`, b3),
    basic(ctx, `${m}.branch3x3dbl_3a`, bd),
    basic(ctx, `${m}.branch3x3dbl_3b`, bd),
    basic(ctx, `${m}.branch_pool`, pooled),
  ]);
}

/**
 * FID Inception-v3 (Szegedy et al. 2016; the 2015-12-05 graph as ported by pytorch-fid, fid-spec §1.2), NHWC.
 * x: [B, 299, 299, 3] already scaled to ≈[-1, 1]. Returns pool3 [B, 2048] and IS logits pool3·W [B, 1008] (no bias).
 */
export function inceptionV3(p: InceptionParams, x: tf.Tensor4D): { pool: tf.Tensor2D; logits: tf.Tensor2D } {
  const ctx = { p };
  // Each stage runs in its own tidy and the previous activation is freed, so peak memory is one stage's
  // intermediates (≈ 11 MB per image in the stem) instead of the whole graph's (≈ 60 MB per image).
  let h = x;
  const stage = (f: (t: tf.Tensor4D) => tf.Tensor4D) => {
    const next = tf.tidy(() => f(h));
    if (h !== x) h.dispose();
    h = next;
  };
  for (const name of ['Conv2d_1a_3x3', 'Conv2d_2a_3x3', 'Conv2d_2b_3x3']) stage((t) => basic(ctx, name, t)); // [B,147,147,64]
  stage(maxPoolS2); // [B,73,73,64]
  for (const name of ['Conv2d_3b_1x1', 'Conv2d_4a_3x3']) stage((t) => basic(ctx, name, t)); // [B,71,71,192]
  stage(maxPoolS2); // [B,35,35,192]
  for (const m of ['Mixed_5b', 'Mixed_5c', 'Mixed_5d']) stage((t) => blockA(ctx, m, t)); // [B,35,35,288]
  stage((t) => blockB(ctx, 'Mixed_6a', t)); // [B,17,17,768]
  for (const m of ['Mixed_6b', 'Mixed_6c', 'Mixed_6d', 'Mixed_6e']) stage((t) => blockC(ctx, m, t));
  stage((t) => blockD(ctx, 'Mixed_7a', t)); // [B,8,8,1280]
  stage((t) => blockE(ctx, 'Mixed_7b', t, 'avg')); // [B,8,8,2048]
  stage((t) => blockE(ctx, 'Mixed_7c', t, 'max'));
  const last = h;
  const out = tf.tidy(() => {
    const pool = tf.mean(last, [1, 2]) as tf.Tensor2D; // [B,2048]
    return { pool, logits: tf.matMul(pool, p.fcW) as tf.Tensor2D }; // [B,1008]
  });
  if (last !== x) last.dispose();
  return out;
}
