import * as tf from '@tensorflow/tfjs-core';
import { declareAttnBlock, type AttnBlock } from './blocks/attn-block.js';
import { declareConv, declareDense, declareGroupNorm, type ConvParams, type ForwardContext } from './blocks/common.js';
import { fusedConvFirDown } from './blocks/fir.js';
import { declareDownsample, declareUpsample } from './blocks/resample.js';
import { declareResBlock, type ResBlock } from './blocks/resnet-block.js';
import { declareEmbedding } from './embedding.js';
import { conv2d, dense, groupNormSilu, silu } from './ops.js';
import type { ParamStore } from './param-store.js';
import { pfgmHead, unetHead, type UNetHead } from './pfgm-head.js';
import type { NetworkIo, UNetConfig } from './types.js';

/** Forward pass of a declared network: x [B, ...in], cond [B] → [B, ...out]. */
export type Forward = (x: tf.Tensor, cond: tf.Tensor1D, ctx: ForwardContext) => tf.Tensor;

/** Per-call state of the U-Net forward: EDM's residual encoder carries the input pyramid `aux` between steps. */
interface UNetCall extends ForwardContext {
  aux: tf.Tensor;
}

type Step = (h: tf.Tensor, hs: tf.Tensor[], actTemb: tf.Tensor, ctx: UNetCall) => tf.Tensor;

/**
 * Declares the score_sde U-Net (`models/ddpm.py` for style 'ddpm', `models/ncsnpp.py` with the DDPM++ config for
 * 'ddpmpp') in the module order of the official code, and returns its forward pass. NHWC.
 * Encoder: conv3×3(C→nf); per level numBlocks ResBlocks (+ attention at attnResolutions), then a downsample
 * (DDPM: strided conv; DDPM++: BigGAN ResBlock 'down'). Middle: ResBlock, attention, ResBlock. Decoder: per level
 * numBlocks+1 ResBlocks on [h, skip] concatenations, attention once after them, then an upsample (DDPM: nearest +
 * conv; DDPM++: ResBlock 'up'). Output: GroupNorm → SiLU → conv3×3(→ C or C+1, init_scale 0).
 */
export function declareUNet(store: ParamStore, config: UNetConfig, io: NetworkIo): Forward {
  const { style, channels: nf, channelMult, numBlocks, attnResolutions } = config;
  const [H, W, C] = io.inShape;
  const head: UNetHead = unetHeadFor(io);
  const levels = channelMult.length;
  const resolutions = channelMult.map((_, i) => H / 2 ** i);
  if (resolutions.some((r) => !Number.isInteger(r)) || W !== H) {
    throw new Error(`U-Net input must be square with side divisible by 2^${levels - 1}; got ${H}×${W}`);
  }
  const unused = attnResolutions.filter((r) => !resolutions.includes(r));
  if (unused.length > 0) {
    throw new Error(
      `attnResolutions [${unused}] match no U-Net level; the levels of a ${H}×${W} input with ${levels} channel ` +
        `multipliers are [${resolutions}] (e.g. use attnResolutions [${resolutions[Math.min(1, levels - 1)]}])`,
    );
  }
  const tembDim = 4 * nf;
  const embDim = config.embedding.kind === 'fourier' ? 2 * nf : nf;

  const embed = declareEmbedding(store, config.embedding, embDim);
  const mapLabel = config.labelDim === undefined ? null : declareDense(store, 'map_label', config.labelDim, embDim);
  const temb0 = declareDense(store, 'temb.dense0', embDim, tembDim);
  const temb1 = declareDense(store, 'temb.dense1', tembDim, tembDim);
  const convIn = declareConv(store, 'conv_in', 3, C, nf);
  const res = (name: string, cin: number, cout: number, resample?: 'up' | 'down'): ResBlock =>
    declareResBlock(store, name, {
      style, cin, cout, tembDim, dropout: config.dropout, resample, skipRescale: config.skipRescale, firKernel: config.firKernel,
    });

  const steps: Step[] = [];
  let auxC = C; // channels of the residual encoder's input pyramid
  const hsC = [nf];
  let ch = nf;
  for (let i = 0; i < levels; i++) {
    for (let j = 0; j < numBlocks; j++) {
      const block = res(`down.${i}.block.${j}`, ch, nf * channelMult[i]);
      ch = nf * channelMult[i];
      const attn = attnResolutions.includes(resolutions[i]) ? declareAttnBlock(store, `down.${i}.attn.${j}`, style, ch, config.skipRescale) : null;
      steps.push(encoderStep(block, attn));
      hsC.push(ch);
    }
    if (i !== levels - 1) {
      if (style === 'ddpm') {
        const down = declareDownsample(store, `down.${i}.downsample`, ch);
        steps.push((_h, hs) => push(hs, down(hs[hs.length - 1])));
      } else {
        const down = res(`down.${i}.downsample`, ch, ch, 'down');
        if (config.encoderType === 'residual') {
          const join = residualEncoder(store, `down.${i}.aux_residual`, auxC, ch, config.firKernel ?? [1, 1]);
          auxC = ch;
          steps.push((_h, hs, t, ctx) => push(hs, join(down(hs[hs.length - 1], t, ctx), ctx)));
        } else {
          steps.push((_h, hs, t, ctx) => push(hs, down(hs[hs.length - 1], t, ctx)));
        }
      }
      hsC.push(ch);
    }
  }
  const mid0 = res('mid.block.0', ch, ch);
  const midAttn = declareAttnBlock(store, 'mid.attn', style, ch, config.skipRescale);
  const mid1 = res('mid.block.1', ch, ch);
  steps.push((_h, hs, t, ctx) => mid1(midAttn(mid0(hs[hs.length - 1], t, ctx)), t, ctx));
  for (let i = levels - 1; i >= 0; i--) {
    for (let j = 0; j < numBlocks + 1; j++) {
      const block = res(`up.${i}.block.${j}`, ch + popSkip(hsC), nf * channelMult[i]);
      ch = nf * channelMult[i];
      steps.push((h, hs, t, ctx) => block(tf.concat([h, popSkip(hs)], 3), t, ctx));
    }
    if (attnResolutions.includes(resolutions[i])) {
      const attn = declareAttnBlock(store, `up.${i}.attn`, style, ch, config.skipRescale);
      steps.push((h) => attn(h));
    }
    if (i !== 0) {
      if (style === 'ddpm') {
        const up = declareUpsample(store, `up.${i}.upsample`, ch);
        steps.push((h) => up(h));
      } else {
        const up = res(`up.${i}.upsample`, ch, ch, 'up');
        steps.push((h, _hs, t, ctx) => up(h, t, ctx));
      }
    }
  }
  const normOut = declareGroupNorm(store, 'norm_out', style, ch);
  const convOut = declareConv(store, 'conv_out', 3, ch, head.channels, 0);

  return (x, cond, ctx) => {
    const emb = mapLabel === null ? embed(cond) : tf.add(embed(cond), labelEmbedding(mapLabel, config.labelDim as number, ctx.labels));
    const temb = dense(silu(dense(emb, temb0.W.value, temb0.b.value)), temb1.W.value, temb1.b.value);
    const actTemb = silu(temb); // [B, 4nf]: every block's Dense_0 sees SiLU(temb)
    const hs: tf.Tensor[] = [conv2d(x, convIn.W.value, convIn.b.value)]; // [B, H, W, nf]
    let h = hs[0];
    const call: UNetCall = { ...ctx, aux: x };
    for (const step of steps) {
      const live = [h, ...hs];
      const hIn = h;
      h = tf.tidy(() => step(hIn, hs, actTemb, call));
      // Free what the step consumed (its input and popped skips) now rather than at the end of the outer tidy: this
      // bounds forward memory by the skip stack. Safe under autograd: tfjs keeps its own clones of saved tensors.
      for (const t of live) if (t !== h && !hs.includes(t)) t.dispose();
    }
    if (hs.length !== 0) throw new Error(`U-Net skip stack not empty (${hs.length}); builder bug`);
    h = groupNormSilu(h, normOut.gamma.value, normOut.beta.value, normOut.groups);
    return head.apply(conv2d(h, convOut.W.value, convOut.b.value)); // [B, ...outShape]
  };
}

/** EDM `map_label`: Dense(labels·√labelDim) [B, embDim]; without labels EDMPrecond feeds zeros (the bias alone). */
function labelEmbedding(p: ConvParams, labelDim: number, labels: tf.Tensor | undefined): tf.Tensor {
  if (labels === undefined) return tf.reshape(p.b.value, [1, -1]);
  return dense(tf.mul(labels, Math.sqrt(labelDim)), p.W.value, p.b.value);
}

/**
 * EDM SongUNet `encoder_type='residual'` after a downsampling block: h = (h + FusedConvFirDown(aux))/√2, and aux = h
 * for the next level (`aux_residual`, a 3×3 conv from the pyramid's channels to h's, FIR stride 2).
 */
function residualEncoder(store: ParamStore, name: string, cin: number, cout: number, k: readonly number[]): (h: tf.Tensor, call: UNetCall) => tf.Tensor {
  const conv = declareConv(store, name, 3, cin, cout);
  return (h, call) => {
    const joined = tf.mul(tf.add(h, fusedConvFirDown(call.aux, conv.W.value, conv.b.value, k)), Math.SQRT1_2);
    call.aux = joined; // kept alive as the skip it also is (pushed onto hs)
    return joined;
  };
}

function encoderStep(block: ResBlock, attn: AttnBlock | null): Step {
  return (_h, hs, t, ctx) => {
    const h = block(hs[hs.length - 1], t, ctx);
    return push(hs, attn === null ? h : attn(h));
  };
}

function popSkip<T>(stack: T[]): T {
  const top = stack.pop();
  if (top === undefined) throw new Error('U-Net skip stack underflow (builder bug)');
  return top;
}

function push(hs: tf.Tensor[], h: tf.Tensor): tf.Tensor {
  hs.push(h);
  return h;
}

/** Picks the output head from the io shapes: same as input → C channels; [H·W·C + 1] → PFGM head. */
function unetHeadFor(io: NetworkIo): UNetHead {
  const { inShape, outShape } = io;
  if (inShape.length !== 3) throw new Error(`U-Net input must be [H, W, C] per sample, got [${inShape}]`);
  const N = inShape[0] * inShape[1] * inShape[2];
  if (outShape.length === 3 && outShape.every((d, i) => d === inShape[i])) return unetHead(inShape[2]);
  if (outShape.length === 1 && outShape[0] === N + 1) return pfgmHead(inShape[2]);
  throw new Error(
    `U-Net output must be [${inShape}] (same as input) or [${N + 1}] (PFGM head, N+1 with N = H·W·C); got [${outShape}]`,
  );
}
