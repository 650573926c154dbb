import { ImageDataset } from './image-dataset.js';
import { greyToRgb, padImages, resizeImages } from './images.js';

/** How to bring images to a square size. */
export type FitMode =
  | 'pad' // zero-pad, centred (Fashion-MNIST 28 → 32)
  | 'resize'; // bilinear resize

/** Target shape for {@link adaptImages}. */
export interface AdaptOptions {
  /** Square side in pixels; omitted keeps the native size. */
  size?: number;
  /** 1 (grey) or 3 (RGB); omitted keeps the native channels. Grey → RGB repeats the channel. */
  channels?: 1 | 3;
  /** How to reach `size` when it differs from the native size. */
  fit: FitMode;
}

/** Pads or resizes, then converts grey → RGB; returns `ds` itself when nothing changes. */
export function adaptImages(ds: ImageDataset, opts: AdaptOptions): ImageDataset {
  const { size, channels, fit } = opts;
  let { pixels, height, width } = ds;
  let C = ds.channels;
  if (size !== undefined && (size !== height || size !== width)) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
    const shape = { n: ds.length, height, width, channels: C };
    pixels = fit === 'pad' && size >= height && size >= width ? padImages(pixels, shape, size) : resizeImages(pixels, shape, size);
    height = width = size;
  }
  if (channels !== undefined && channels !== C) {
    if (channels === 3 && C === 1) {
      pixels = greyToRgb(pixels);
      C = 3;
    } else {
      throw new RangeError(`${ds.name}: cannot convert ${C} channels to ${channels}; only grey → RGB (channels 3) is supported`);
    }
  }
  if (pixels === ds.pixels) return ds;
  return new ImageDataset(ds.name, pixels, height, width, C, ds.labels, ds.classNames);
}
