import * as tf from '@tensorflow/tfjs-core';
import { readTorchObject, Rng, TorchTensor, type HostTensor, type StateDict } from '@pfgm/tensor';
import { buildNetwork, declareNetwork } from '../build-network.js';
import { ParamStore } from '../param-store.js';
import type { Network, NetworkIo, UNetConfig } from '../types.js';
import { assignOfficial, checkKeys, officialShape, stripModulePrefix, type KeyMapping, type Layout } from './official-weights.js';

// score_sde NCSN++ (`models/ncsnpp.py`, Song et al. 2021) and PFGM's copy of it (Poisson_flow `models/ncsnpp.py`,
// Xu et al. 2022: one more output channel, its spatial mean is the z-part): the official config, its mapping onto
// our U-Net ('ddpmpp' style), the mapping of the official state-dict keys onto our weights, and the loader for
// `checkpoint_*.pth` files as score_sde's `utils.save_checkpoint` writes them.

/** The fields of an official ml_collections config that `NCSNpp` reads (official names). */
export interface NcsnppConfig {
  model: {
    nf: number;
    ch_mult: number[];
    num_res_blocks: number;
    attn_resolutions: number[];
    dropout: number;
    fir: boolean;
    fir_kernel: number[];
    skip_rescale: boolean;
    resblock_type: string;
    progressive: string;
    progressive_input: string;
    embedding_type: 'positional' | 'fourier';
    fourier_scale: number;
    conditional: boolean;
    scale_by_sigma: boolean;
    resamp_with_conv?: boolean;
    nonlinearity?: string;
    normalization?: string;
    attention_type?: string;
  };
  data: { image_size: number; num_channels: number; centered: boolean };
  /** `sde: 'poisson'` is PFGM (Poisson_flow): N+1 outputs. */
  training: { sde: string };
}

/** Our U-Net config and io for an official NCSN++ config; refuses options our blocks do not implement (one line). */
export function ncsnppToUNet(c: NcsnppConfig): { config: UNetConfig; io: NetworkIo } {
  const m = c.model;
  const refuse = (what: string, v: unknown, ok: string): never => {
    throw new Error(`NCSN++ config: ${what} = ${JSON.stringify(v)} is not supported (supported: ${ok})`);
  };
  if (m.resblock_type.toLowerCase() !== 'biggan') refuse('model.resblock_type', m.resblock_type, "'biggan'");
  if (m.progressive.toLowerCase() !== 'none') refuse('model.progressive', m.progressive, "'none'");
  if (m.progressive_input.toLowerCase() !== 'none') refuse('model.progressive_input', m.progressive_input, "'none'");
  if (!m.conditional) refuse('model.conditional', m.conditional, 'true');
  if (m.scale_by_sigma) refuse('model.scale_by_sigma', m.scale_by_sigma, 'false (VE models divide by σ; not wired)');
  if (!c.data.centered) refuse('data.centered', c.data.centered, 'true (the released VP/PFGM models see data in [−1, 1])');
  if ((m.nonlinearity ?? 'swish') !== 'swish') refuse('model.nonlinearity', m.nonlinearity, "'swish'");
  if ((m.normalization ?? 'GroupNorm') !== 'GroupNorm') refuse('model.normalization', m.normalization, "'GroupNorm'");
  if ((m.attention_type ?? 'ddpm') !== 'ddpm') refuse('model.attention_type', m.attention_type, "'ddpm'");
  const S = c.data.image_size;
  const C = c.data.num_channels;
  const config: UNetConfig = {
    kind: 'unet',
    style: 'ddpmpp',
    channels: m.nf,
    channelMult: [...m.ch_mult],
    numBlocks: m.num_res_blocks,
    attnResolutions: [...m.attn_resolutions],
    dropout: m.dropout,
    embedding: m.embedding_type === 'fourier' ? { kind: 'fourier', scale: m.fourier_scale } : { kind: 'positional', maxPositions: 10000 },
    skipRescale: m.skip_rescale,
    ...(m.fir ? { firKernel: [...m.fir_kernel] } : {}),
  };
  const io: NetworkIo = { inShape: [S, S, C], outShape: c.training.sde === 'poisson' ? [S * S * C + 1] : [S, S, C] };
  return { config, io };
}

// Official module names inside one `all_modules` entry, by our block-local weight group.
const RES_BLOCK: Record<string, string> = { norm0: 'GroupNorm_0', conv0: 'Conv_0', temb: 'Dense_0', norm1: 'GroupNorm_1', conv1: 'Conv_1', skip: 'Conv_2' };
const ATTN_BLOCK: Record<string, string> = { norm: 'GroupNorm_0', q: 'NIN_0', k: 'NIN_1', v: 'NIN_2', out: 'NIN_3' };
const PARAM: Record<string, string> = { gamma: 'weight', beta: 'bias', W: 'weight', b: 'bias' };

/**
 * The official key of each of our weights, in module order. `all_modules` is the NCSNpp ModuleList; our declaration
 * order follows it, so the k-th distinct block of ours (`down.0.block.1`, `mid.attn`, `conv_out`, …) is
 * `all_modules.k`. Inside a block: ResnetBlockBigGANpp (GroupNorm_0, Conv_0, Dense_0, GroupNorm_1, Conv_1, Conv_2)
 * or AttnBlockpp (GroupNorm_0, NIN_0…3, whose W is stored [in, out] as ours).
 */
export function ncsnppKeyMapping(config: UNetConfig, io: NetworkIo): KeyMapping[] {
  const store = new ParamStore(null);
  declareNetwork(store, config, io);
  const units: string[] = [];
  return store.names.map((name, i) => {
    const parts = name.split('.');
    const param = parts[parts.length - 1];
    const path = parts.slice(0, -1);
    const local = path[path.length - 1];
    const isAttn = path.some((p) => p === 'attn');
    const inBlock = path.length > 1 && (isAttn ? local in ATTN_BLOCK : local in RES_BLOCK) && path[0] !== 'temb';
    const unit = (inBlock ? path.slice(0, -1) : path).join('.');
    if (units[units.length - 1] !== unit) units.push(unit);
    const sub = inBlock ? `${(isAttn ? ATTN_BLOCK : RES_BLOCK)[local]}.` : '';
    const shape = store.shapes[i];
    const nin = isAttn && inBlock && local !== 'norm';
    const layout: Layout = shape.length === 4 ? 'conv' : shape.length === 2 && !nin ? 'linear' : 'same';
    const officialParam = name === 'fourier.W' || nin ? param : PARAM[param];
    return { ours: name, official: `all_modules.${units.length - 1}.${sub}${officialParam}`, shape: officialShape(shape, layout), layout };
  });
}

/** A score_sde `checkpoint_*.pth`: the model's state dict (no `module.` prefix), the EMA list, the step. */
export interface ScoreSdeCheckpoint {
  model: StateDict;
  /** `ema.shadow_params`: the trainable parameters in `model.parameters()` order (no buffers, no Fourier W). */
  shadow: HostTensor[] | null;
  step: number;
}

const isMap = (v: unknown): v is Map<unknown, unknown> => v instanceof Map;

/** Reads a score_sde / Poisson_flow `checkpoint_*.pth` (torch.save of {optimizer, model, ema, step}) as data. */
export function readScoreSdeCheckpoint(bytes: Uint8Array, where = 'checkpoint.pth'): ScoreSdeCheckpoint {
  const { root } = readTorchObject(bytes, where);
  if (!isMap(root) || !isMap(root.get('model'))) {
    const keys = isMap(root) ? [...root.keys()].map(String).join(', ') : typeof root;
    throw new Error(`${where}: not a score_sde checkpoint: expected a dict with 'model' (and 'ema', 'step'), found ${keys}`);
  }
  const model: StateDict = new Map();
  for (const [k, v] of root.get('model') as Map<unknown, unknown>) {
    const t = v instanceof TorchTensor ? v.toHost(String(k), where) : undefined;
    if (t) model.set(String(k), t);
  }
  const ema = root.get('ema');
  const list = isMap(ema) ? ema.get('shadow_params') : undefined;
  const shadow = Array.isArray(list)
    ? list.map((t, i) => {
        const h = t instanceof TorchTensor ? t.toHost(`ema.shadow_params[${i}]`, where) : undefined;
        if (!h) throw new Error(`${where}: ema.shadow_params[${i}] is not a float tensor`);
        return h;
      })
    : null;
  const step = root.get('step');
  return { model: stripModulePrefix(model), shadow, step: step instanceof TorchTensor ? Number(step.toHost('step', where)?.data[0]) : Number(step ?? 0) };
}

/** Which weights to load: the EMA (`ema.shadow_params`, what the papers sample with) or the raw `model` ones. */
export type WeightChoice = 'ema' | 'raw';

/**
 * Builds our network for an official NCSN++ config and loads a score_sde / Poisson_flow checkpoint into it. The
 * result's `apply(x, label)` takes the official labels (positional: t·999 or z; Fourier: σ, of which it embeds ln σ
 * as the official forward does) and NHWC images; PFGM's output is [B, N+1] with the x-part in NHWC order.
 * Mismatched files throw one line naming the first missing / extra / misshaped key.
 */
export function loadNcsnpp(file: Uint8Array | ScoreSdeCheckpoint, official: NcsnppConfig, opts: { weights?: WeightChoice; where?: string } = {}): Network {
  const { weights = 'ema', where = 'checkpoint.pth' } = opts;
  const ckpt = file instanceof Uint8Array ? readScoreSdeCheckpoint(file, where) : file;
  const { config, io } = ncsnppToUNet(official);
  const mapping = ncsnppKeyMapping(config, io);
  const what = `NCSN++ checkpoint for ${describe(official)}`;
  checkKeys(mapping, ckpt.model, where, what, (k) => k === 'sigmas');
  let values = (m: KeyMapping): HostTensor => ckpt.model.get(m.official) as HostTensor;
  if (weights === 'ema') values = emaValues(ckpt, mapping, where, values);
  const net = buildNetwork(config, io, new Rng(0), { init: false }); // every weight is assigned below
  try {
    assignOfficial(net, mapping, values);
  } catch (e) {
    net.dispose();
    throw e;
  }
  return official.model.embedding_type === 'fourier' ? withLogLabels(net) : net;
}

/** Values from `ema.shadow_params` for the trainable weights (official parameter order), the rest from `model`. */
function emaValues(ckpt: ScoreSdeCheckpoint, mapping: KeyMapping[], where: string, raw: (m: KeyMapping) => HostTensor): (m: KeyMapping) => HostTensor {
  if (ckpt.shadow === null) throw new Error(`${where}: no ema.shadow_params in the checkpoint; load the raw weights instead (weights: 'raw')`);
  const trainable = mapping.filter((m) => m.ours !== 'fourier.W');
  if (ckpt.shadow.length !== trainable.length) {
    throw new Error(`${where}: ema.shadow_params has ${ckpt.shadow.length} tensors, the model has ${trainable.length} trainable parameters`);
  }
  const byKey = new Map<string, HostTensor>();
  trainable.forEach((m, i) => {
    const t = ckpt.shadow?.[i] as HostTensor;
    if (t.shape.join() !== m.shape.join()) {
      throw new Error(`${where}: ema.shadow_params[${i}] is [${t.shape}], expected [${m.shape}] for '${m.official}'`);
    }
    byKey.set(m.official, t);
  });
  return (m) => byKey.get(m.official) ?? raw(m);
}

/** NCSN++ with Fourier features embeds ln σ (`GaussianFourierProjection(torch.log(used_sigmas))`). */
function withLogLabels(net: Network): Network {
  return {
    ...net,
    apply: (x, cond, training) => {
      const logCond = tf.log(cond) as tf.Tensor1D;
      try {
        return net.apply(x, logCond, training);
      } finally {
        logCond.dispose();
      }
    },
    dispose: () => net.dispose(),
  };
}

function describe(c: NcsnppConfig): string {
  const m = c.model;
  return `nf ${m.nf}, ch_mult [${m.ch_mult}], ${m.num_res_blocks} blocks, attn [${m.attn_resolutions}], ${m.embedding_type}, fir ${m.fir}, ${c.data.image_size}²×${c.data.num_channels}${c.training.sde === 'poisson' ? ', PFGM N+1' : ''}`;
}
