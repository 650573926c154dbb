import type { NetworkConfig } from '@pfgm/networks';

/** The image side the U-Net presets were designed for (CIFAR-10); their attention sits at 16 = 32 / 2. */
const DESIGN_SIDE = 32;

/**
 * A U-Net preset on images of another side: attention moves to the same level of the U-Net (32×32's 16 → 28×28's
 * 14), dropping resolutions that no level has. Other networks, and 32×32 images, are returned unchanged.
 */
export function fitNetToShape(net: NetworkConfig, shape: readonly number[]): NetworkConfig {
  if (net.kind !== 'unet' || shape.length !== 3 || shape[0] === DESIGN_SIDE) return net;
  const side = shape[0];
  const levels = net.channelMult.map((_, i) => side / 2 ** i);
  const attn = net.attnResolutions
    .map((r) => Math.log2(DESIGN_SIDE / r))
    .filter((i) => Number.isInteger(i) && i >= 0 && i < levels.length)
    .map((i) => levels[i])
    .filter((r) => Number.isInteger(r));
  return { ...net, attnResolutions: [...new Set(attn)] };
}
