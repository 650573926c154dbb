import type * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { INCEPTION_CLASSES, INCEPTION_POOL_DIM } from './inception-layout.js';
import { disposeInceptionParams, inceptionParamsFromStateDict, type InceptionParams } from './inception-params.js';
import { preprocessForInception, type InceptionMode } from './inception-preprocess.js';
import { inceptionV3 } from './inception-v3.js';
import { loadInceptionStateDict, type InceptionWeightsOptions } from './inception-weights.js';
import type { StateDict } from './state-dict.js';

/** Features for FID (pool3) and IS (logits without bias) of uint8-valued images. */
export interface FeatureExtractor {
  /** Feature size: 2048. */
  readonly dim: number;
  /** Logit count: 1008. */
  readonly classes: number;
  /** images [B, H, W, C] holding 0..255 → pool [B, 2048], logits [B, 1008]; the caller disposes both. */
  features(images: tf.Tensor4D): { pool: tf.Tensor2D; logits: tf.Tensor2D };
  dispose(): void;
}

/** The FID Inception-v3 on TF.js with one preprocessing mode. */
export class InceptionExtractor implements FeatureExtractor {
  readonly dim = INCEPTION_POOL_DIM;
  readonly classes = INCEPTION_CLASSES;
  private constructor(
    private readonly params: InceptionParams,
    /** Resize/scale convention (fid-spec §1.4). Default 'legacy-tf'. */
    readonly mode: InceptionMode,
    /** SHA-256 (16 hex) of the first conv and fc weights: tells weight files apart in cache keys. */
    readonly weightsFingerprint: string,
  ) {}

  /** From an already loaded state dict (e.g. {@link syntheticInceptionStateDict} in tests/benchmarks). */
  static fromStateDict(sd: StateDict, mode: InceptionMode = 'legacy-tf'): InceptionExtractor {
    const params = inceptionParamsFromStateDict(sd);
    const h = createHash('sha256');
    for (const k of ['Conv2d_1a_3x3.conv.weight', 'fc.weight']) h.update(sd.get(k)?.data ?? new Float32Array(0));
    return new InceptionExtractor(params, mode, h.digest('hex').slice(0, 16));
  }

  /** Loads pytorch-fid's weights (path, cache or verified download). */
  static async load(opts: InceptionWeightsOptions & { mode?: InceptionMode } = {}): Promise<InceptionExtractor> {
    return InceptionExtractor.fromStateDict(await loadInceptionStateDict(opts), opts.mode);
  }

  features(images: tf.Tensor4D): { pool: tf.Tensor2D; logits: tf.Tensor2D } {
    const x = preprocessForInception(images, this.mode);
    try {
      return inceptionV3(this.params, x);
    } finally {
      x.dispose();
    }
  }

  dispose(): void {
    disposeInceptionParams(this.params);
  }
}
