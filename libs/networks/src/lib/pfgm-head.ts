import * as tf from '@tensorflow/tfjs-core';

/** Maps the final conv output [B, H, W, channels] to the network output. */
export interface UNetHead {
  /** Output channels of the final conv. */
  channels: number;
  apply(h: tf.Tensor): tf.Tensor;
}

/** Plain head: C channels, output [B, H, W, C]. */
export function unetHead(C: number): UNetHead {
  return { channels: C, apply: (h) => h };
}

/**
 * PFGM head (Xu et al. 2022, §1.4 of our spec; Poisson_flow `ncsnpp.py`): the conv emits C+1 channels; the field's
 * x-part is channels 0…C−1 flattened (NHWC order), its z-part the spatial mean of channel C. Output [B, N+1].
 */
export function pfgmHead(C: number): UNetHead {
  return {
    channels: C + 1,
    apply: (h) => {
      const [B, H, W] = h.shape;
      const x = tf.reshape(tf.slice(h, [0, 0, 0, 0], [B, H, W, C]), [B, H * W * C]); // [B, N]
      const z = tf.mean(tf.slice(h, [0, 0, 0, C], [B, H, W, 1]), [1, 2]); // [B, 1]
      return tf.concat([x, z], 1); // [B, N+1]
    },
  };
}
