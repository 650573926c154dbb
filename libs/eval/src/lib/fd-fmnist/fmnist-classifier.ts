import type * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readSafetensors } from '../safetensors.js';
import type { StateDict } from '../state-dict.js';
import { fmnistClassifierForward, type FmnistClassifierOutput } from './fmnist-classifier-forward.js';
import { disposeFmnistParams, FMNIST_CLASSES, FMNIST_FEATURE_DIM, fmnistParamsFromStateDict, type FmnistClassifierParams } from './fmnist-classifier-params.js';
import { FD_FMNIST_FIXTURE_DIR, FD_FMNIST_RECORD_FILE, FD_FMNIST_WEIGHTS_FILE, fmnistClassifierRecord, type FmnistClassifierRecord } from './fmnist-classifier-record.js';
import { fmnistInput } from './fmnist-input.js';

/** Where {@link FmnistClassifier.load} reads from. */
export interface FmnistClassifierLoadOptions {
  /** Weights file (safetensors). Default: the committed `libs/eval/fixtures/fd-fmnist/classifier.safetensors`. */
  weights?: string;
  /** Training record (JSON) whose `weightsSha256` the weights must match. Default: the committed `classifier.json`. */
  record?: string;
}

const RETRAIN = 'restore libs/eval/fixtures/fd-fmnist/ from git or retrain with `npx nx run experiments:train-fd-fmnist`';

/** The Fashion-MNIST classifier whose penultimate features FD-FMNIST measures (not Inception; FD-FMNIST is not FID). */
export class FmnistClassifier {
  /** Feature size: 128. */
  readonly dim = FMNIST_FEATURE_DIM;
  /** Classes: 10. */
  readonly classes = FMNIST_CLASSES;

  private constructor(
    private readonly params: FmnistClassifierParams,
    /** The training record (seed, epochs, test accuracy, …); undefined for a classifier built from a bare state dict. */
    readonly record?: FmnistClassifierRecord,
  ) {}

  /** From a state dict in {@link FMNIST_CLASSIFIER_LAYOUT} (tests; the trainer's own weights). */
  static fromStateDict(sd: StateDict, record?: FmnistClassifierRecord, where = 'FD-FMNIST classifier'): FmnistClassifier {
    return new FmnistClassifier(fmnistParamsFromStateDict(sd, where), record);
  }

  /** Loads the committed classifier (or the given files), checking the weights' SHA-256 against the record. */
  static load(opts: FmnistClassifierLoadOptions = {}): FmnistClassifier {
    const weights = opts.weights ?? FD_FMNIST_FIXTURE_DIR + FD_FMNIST_WEIGHTS_FILE;
    const record = fmnistClassifierRecord(opts.record ?? FD_FMNIST_FIXTURE_DIR + FD_FMNIST_RECORD_FILE);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(weights));
    } catch (e) {
      throw new Error(`FD-FMNIST: cannot read the classifier weights ${weights} (${(e as Error).message}); ${RETRAIN}`);
    }
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== record.weightsSha256) {
      throw new Error(
        `FD-FMNIST: classifier weights ${weights} have SHA-256 ${sha}, but the training record expects ${record.weightsSha256} ` +
          `(corrupt, truncated or from another training run); ${RETRAIN}`,
      );
    }
    return FmnistClassifier.fromStateDict(readSafetensors(bytes, weights).tensors, record, weights);
  }

  /** Test accuracy from the training record (undefined without one). */
  get testAccuracy(): number | undefined {
    return this.record?.testAccuracy;
  }

  /** images [B, 28|32, 28|32, 1|3] in [−1, 1] (see {@link fmnistInput}) → features [B, 128] and logits [B, 10]; the caller disposes both. */
  forward(images: tf.Tensor): FmnistClassifierOutput {
    const x = fmnistInput(images);
    try {
      return fmnistClassifierForward(this.params, x);
    } finally {
      x.dispose();
    }
  }

  dispose(): void {
    disposeFmnistParams(this.params);
  }
}
