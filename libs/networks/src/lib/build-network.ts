import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import type { ForwardContext } from './blocks/common.js';
import { declareMlp } from './mlp.js';
import { ParamStore } from './param-store.js';
import { declareUNet, type Forward } from './unet.js';
import type { Network, NetworkConfig, NetworkIo } from './types.js';
import { validateConfig } from './validate-config.js';

/** Declares `config`'s weights into `store` and returns the forward pass (shared by build and count). */
export function declareNetwork(store: ParamStore, config: NetworkConfig, io: NetworkIo): Forward {
  validateConfig(config, io);
  switch (config.kind) {
    case 'mlp':
      return declareMlp(store, config, io);
    case 'unet':
      return declareUNet(store, config, io);
  }
}

/** Number of scalars a network built from `config` has, without allocating it (runs the builder's declarations). */
export function countParams(config: NetworkConfig, io: NetworkIo): number {
  const store = new ParamStore(null);
  declareNetwork(store, config, io);
  return store.numParams;
}

/**
 * Builds a network with weights initialised from `rng` (score_sde initialisers). Dropout masks use a child stream.
 * `init: false` leaves the weights zero, for callers that assign all of them next (loaders of released checkpoints).
 */
export function buildNetwork(config: NetworkConfig, io: NetworkIo, rng: Rng, opts: { init?: boolean } = {}): Network {
  countParams(config, io); // validates the whole architecture before anything is allocated
  const store = new ParamStore(rng, opts);
  const forward = declareNetwork(store, config, io);
  const dropoutRng = rng.child(0x0d0);
  const frozenIo: NetworkIo = { inShape: [...io.inShape], outShape: [...io.outShape] };
  return {
    config: structuredClone(config),
    io: frozenIo,
    weights: store.variables,
    names: store.names,
    trainableWeights: store.variables.filter((_, i) => store.trainable[i]),
    dropoutRng,
    numParams: store.numParams,
    apply(x, cond, training = false, labels) {
      checkInput(frozenIo, x, cond);
      if (labels !== undefined) checkLabels(config, x, labels);
      const ctx: ForwardContext = { training, nextSeed: () => dropoutRng.nextUint32(), labels };
      return tf.tidy(() => forward(x, cond, ctx));
    },
    dispose() {
      for (const v of store.variables) v.dispose();
    },
  };
}

function checkLabels(config: NetworkConfig, x: tf.Tensor, labels: tf.Tensor): void {
  const dim = config.kind === 'unet' ? config.labelDim : undefined;
  if (dim === undefined) throw new Error('class labels given to a network without labelDim (an unconditional network)');
  if (labels.rank !== 2 || labels.shape[0] !== x.shape[0] || labels.shape[1] !== dim) {
    throw new Error(`class labels must be [B, labelDim] = [${x.shape[0]}, ${dim}], got [${labels.shape}]`);
  }
}

function checkInput(io: NetworkIo, x: tf.Tensor, cond: tf.Tensor1D): void {
  const [B, ...rest] = x.shape;
  if (rest.length !== io.inShape.length || rest.some((d, i) => d !== io.inShape[i])) {
    throw new Error(`network input must be [B, ${io.inShape}], got [${x.shape}]`);
  }
  if (cond.rank !== 1 || cond.shape[0] !== B) {
    throw new Error(`cond must be [B] = [${B}] (one noise label per sample), got [${cond.shape}]`);
  }
}
