import { PersistentObject, readPickle, readTorchObject, Rng, TorchTensor, type HostTensor, type StateDict } from '@pfgm/tensor';
import { buildNetwork, declareNetwork } from '../build-network.js';
import { ParamStore } from '../param-store.js';
import type { Network, NetworkIo, UNetConfig } from '../types.js';
import { assignOfficial, checkKeys, officialShape, type KeyMapping, type Layout } from './official-weights.js';
import type { WeightChoice } from './score-sde.js';

// EDM's SongUNet (NVlabs/edm `training/networks.py`, Karras et al. 2022; PFGM++ uses it unchanged, Newbeeer/pfgmpp)
// behind EDMPrecond: the official keyword arguments, their mapping onto our U-Net ('ddpmpp' style + EDM's residual
// encoder and class labels), the state-dict keys, and the readers of `network-snapshot-*.pkl` (EDM: pickle of
// persistence-wrapped modules) and `training-state-*.pt` (PFGM++: torch.save of the same). Read as data: the pickled
// module source is never run.

/** SongUNet keyword arguments (official names; defaults of the official signature). */
export interface SongUNetKwargs {
  model_channels: number;
  channel_mult: number[];
  channel_mult_emb: number;
  num_blocks: number;
  attn_resolutions: number[];
  dropout: number;
  embedding_type: 'positional' | 'fourier';
  channel_mult_noise: number;
  encoder_type: string;
  decoder_type: string;
  resample_filter: number[];
  augment_dim: number;
}

/** EDMPrecond's arguments and attributes as pickled (`_init_kwargs` and `__dict__`); PFGM++ adds `pfgmpp` and `D`. */
export interface EdmPrecondConfig {
  img_resolution: number;
  img_channels: number;
  label_dim: number;
  sigma_min: number;
  sigma_max: number;
  sigma_data: number;
  model_type: string;
  /** PFGM++ checkpoints: trained with the PFGM++ perturbation kernel of dimension D (Newbeeer/pfgmpp). */
  pfgmpp: boolean;
  D: number | null;
  /** Whether the pickle records `pfgmpp` at all (PFGM++'s EDMPrecond does; NVlabs/edm's and older PFGM++ pickles do not). */
  pfgmppRecorded?: boolean;
  model: SongUNetKwargs;
}

const SONG_UNET_DEFAULTS: SongUNetKwargs = {
  model_channels: 128,
  channel_mult: [1, 2, 2, 2],
  channel_mult_emb: 4,
  num_blocks: 4,
  attn_resolutions: [16],
  dropout: 0.1,
  embedding_type: 'positional',
  channel_mult_noise: 1,
  encoder_type: 'standard',
  decoder_type: 'standard',
  resample_filter: [1, 1],
  augment_dim: 0,
};

/** Our U-Net config and io for SongUNet kwargs; refuses what our blocks do not implement (one line). */
export function songUNetToUNet(c: EdmPrecondConfig): { config: UNetConfig; io: NetworkIo } {
  const m = c.model;
  const refuse = (what: string, v: unknown, ok: string): never => {
    throw new Error(`EDM config: ${what} = ${JSON.stringify(v)} is not supported (supported: ${ok})`);
  };
  if (c.model_type !== 'SongUNet') refuse('model_type', c.model_type, "'SongUNet' (DDPM++ / NCSN++)");
  if (m.encoder_type !== 'standard' && m.encoder_type !== 'residual') refuse('encoder_type', m.encoder_type, "'standard', 'residual'");
  if (m.decoder_type !== 'standard') refuse('decoder_type', m.decoder_type, "'standard'");
  if (m.channel_mult_emb !== 4) refuse('channel_mult_emb', m.channel_mult_emb, '4');
  const noise = m.embedding_type === 'fourier' ? 2 : 1; // our embedding width: Fourier 2·nf, positional nf
  if (m.channel_mult_noise !== noise) refuse('channel_mult_noise', m.channel_mult_noise, `${noise} with ${m.embedding_type} embedding`);
  const k = m.resample_filter;
  const nearest = k.length === 2 && k[0] === k[1]; // [1, 1]: nearest up / 2×2 mean down, exactly
  const R = c.img_resolution;
  const config: UNetConfig = {
    kind: 'unet',
    style: 'ddpmpp',
    channels: m.model_channels,
    channelMult: [...m.channel_mult],
    numBlocks: m.num_blocks,
    attnResolutions: [...m.attn_resolutions],
    dropout: m.dropout,
    embedding: m.embedding_type === 'fourier' ? { kind: 'fourier', scale: 16 } : { kind: 'positional', maxPositions: 10000 },
    skipRescale: true,
    ...(nearest ? {} : { firKernel: [...k] }),
    ...(m.encoder_type === 'residual' ? { encoderType: 'residual' as const } : {}),
    ...(c.label_dim > 0 ? { labelDim: c.label_dim } : {}),
  };
  return { config, io: { inShape: [R, R, c.img_channels], outShape: [R, R, c.img_channels] } };
}

// Our block-local weight groups → SongUNet UNetBlock members.
const BLOCK: Record<string, string> = { norm0: 'norm0', conv0: 'conv0', temb: 'affine', norm1: 'norm1', conv1: 'conv1', skip: 'skip' };

/**
 * The official key of each of our weights. SongUNet names modules by resolution: `enc.32x32_conv`,
 * `enc.16x16_down` (our downsample block of the level above), `enc.16x16_aux_residual`, `enc.RxR_block{j}` (its
 * attention, if any, is the same UNetBlock's norm2/qkv/proj), `dec.8x8_in0` (our mid block + mid attention),
 * `dec.8x8_in1`, `dec.RxR_up` (our upsample of the level below), `dec.RxR_block{j}`, `dec.32x32_aux_norm/_aux_conv`.
 */
export function songUNetKeyMapping(config: UNetConfig, io: NetworkIo): KeyMapping[] {
  const store = new ParamStore(null);
  declareNetwork(store, config, io);
  const R = io.inShape[0];
  const res = (level: number): string => `${R >> level}x${R >> level}`;
  const last = config.channelMult.length - 1;
  return store.names.map((name, i) => {
    const parts = name.split('.');
    const param = parts[parts.length - 1];
    const shape = store.shapes[i];
    const layer = (key: string, kind: 'linear' | 'conv' | 'same' = shape.length === 4 ? 'conv' : shape.length === 2 ? 'linear' : 'same'): KeyMapping => ({
      ours: name,
      official: `model.${key}.${PARAM[param]}`,
      shape: officialShape(shape, kind),
      layout: kind,
    });
    const block = (unit: string, local: string): KeyMapping => layer(`${unit}.${BLOCK[local]}`);
    const attn = (unit: string, local: string): KeyMapping => {
      if (local === 'norm') return layer(`${unit}.norm2`);
      const layout: Layout = local !== 'out' ? (`qkv${'qkv'.indexOf(local)}` as Layout) : shape.length === 2 ? 'conv1x1' : 'same';
      const key = `model.${unit}.${local === 'out' ? 'proj' : 'qkv'}.${PARAM[param]}`;
      return { ours: name, official: key, shape: officialShape(shape, layout), layout };
    };
    const [top, a, b, c, local] = parts;
    if (name === 'fourier.W') return { ours: name, official: 'model.map_noise.freqs', shape: [...shape], layout: 'same' };
    if (top === 'map_label') return layer('map_label');
    if (top === 'temb') return layer(a === 'dense0' ? 'map_layer0' : 'map_layer1');
    if (top === 'conv_in') return layer(`enc.${res(0)}_conv`);
    if (top === 'norm_out') return layer(`dec.${res(0)}_aux_norm`);
    if (top === 'conv_out') return layer(`dec.${res(0)}_aux_conv`);
    const L = Number(a);
    if (top === 'down' && b === 'block') return block(`enc.${res(L)}_block${c}`, local);
    if (top === 'down' && b === 'attn') return attn(`enc.${res(L)}_block${c}`, local);
    if (top === 'down' && b === 'downsample') return block(`enc.${res(L + 1)}_down`, c);
    if (top === 'down' && b === 'aux_residual') return layer(`enc.${res(L + 1)}_aux_residual`);
    if (top === 'mid' && a === 'block') return block(`dec.${res(last)}_in${b}`, c);
    if (top === 'mid' && a === 'attn') return attn(`dec.${res(last)}_in0`, b);
    if (top === 'up' && b === 'block') return block(`dec.${res(L)}_block${c}`, local);
    if (top === 'up' && b === 'attn') return attn(`dec.${res(L)}_block${config.numBlocks}`, c);
    if (top === 'up' && b === 'upsample') return block(`dec.${res(L - 1)}_up`, c);
    throw new Error(`no SongUNet key for weight '${name}' (loader bug)`);
  });
}

const PARAM: Record<string, string> = { gamma: 'weight', beta: 'bias', W: 'weight', b: 'bias' };

/**
 * What an EDM-family file holds: EDM's network-snapshot the EMA network, PFGM++'s training-state both, EDM's own
 * training-state (`dict(net, optimizer_state)`) only the raw one.
 */
export interface EdmFile {
  kind: 'network-snapshot' | 'training-state';
  ema: PersistentObject | null;
  net: PersistentObject | null;
  /** training-state: images seen (PFGM++ `step`), else null. */
  step: number | null;
}

const isMap = (v: unknown): v is Map<unknown, unknown> => v instanceof Map;

/** Reads `network-snapshot-*.pkl` (pickle) or `training-state-*.pt` (torch.save zip) as data. */
export function readEdmFile(bytes: Uint8Array, where = 'network.pkl'): EdmFile {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const root = zip ? readTorchObject(bytes, where).root : readPickle(bytes, where);
  const ema = isMap(root) ? root.get('ema') : undefined;
  const net = isMap(root) ? root.get('net') : undefined;
  if (!(ema instanceof PersistentObject) && !(net instanceof PersistentObject)) {
    const keys = isMap(root) ? [...root.keys()].map(String).join(', ') : typeof root;
    throw new Error(`${where}: not an EDM / PFGM++ ${zip ? 'training state' : 'network snapshot'}: expected a dict with a persistent 'ema' (or 'net') network, found ${keys}`);
  }
  const step = (root as Map<unknown, unknown>).get('step');
  return {
    kind: zip ? 'training-state' : 'network-snapshot',
    ema: ema instanceof PersistentObject ? ema : null,
    net: net instanceof PersistentObject ? net : null,
    step: typeof step === 'number' ? step : null,
  };
}

/** A module's `__dict__` (persistent classes keep it as `state`, others as the object's own fields). */
function moduleDict(node: unknown): Map<string, unknown> | null {
  if (node instanceof PersistentObject) return node.state;
  if (typeof node === 'object' && node !== null && '_modules' in node) return new Map(Object.entries(node));
  return null;
}

/** The state dict of a pickled torch.nn.Module tree (parameters, then buffers, then submodules, as PyTorch orders it). */
export function moduleStateDict(node: unknown, where: string, prefix = '', out: StateDict = new Map()): StateDict {
  const d = moduleDict(node);
  if (d === null) throw new Error(`${where}: '${prefix.slice(0, -1) || 'root'}' is not a torch module`);
  for (const field of ['_parameters', '_buffers']) {
    const m = d.get(field);
    if (!isMap(m)) continue;
    for (const [k, v] of m) {
      const t = v instanceof TorchTensor ? v.toHost(`${prefix}${String(k)}`, where) : undefined;
      if (t) out.set(`${prefix}${String(k)}`, t);
    }
  }
  const mods = d.get('_modules');
  if (isMap(mods)) for (const [k, v] of mods) if (v !== null && v !== undefined) moduleStateDict(v, where, `${prefix}${String(k)}.`, out);
  return out;
}

/** EDMPrecond's configuration from its pickled `_init_kwargs` and attributes. */
export function edmPrecondConfig(precond: PersistentObject, where: string): EdmPrecondConfig {
  if (precond.className !== 'EDMPrecond') throw new Error(`${where}: the network is a ${precond.className}, expected EDMPrecond`);
  const kw = precond.state.get('_init_kwargs');
  const get = (k: string): unknown => precond.state.get(k) ?? (isMap(kw) ? kw.get(k) : undefined);
  const model = { ...SONG_UNET_DEFAULTS };
  if (isMap(kw)) for (const k of Object.keys(model)) if (kw.has(k)) (model as Record<string, unknown>)[k] = kw.get(k);
  const D = get('D');
  return {
    img_resolution: Number(get('img_resolution')),
    img_channels: Number(get('img_channels')),
    label_dim: Number(get('label_dim') ?? 0),
    sigma_min: Number(get('sigma_min') ?? 0),
    sigma_max: Number(get('sigma_max') ?? Infinity),
    sigma_data: Number(get('sigma_data') ?? 0.5),
    model_type: String(get('model_type') ?? 'DhariwalUNet'),
    pfgmpp: get('pfgmpp') === true,
    D: typeof D === 'number' ? D : null,
    pfgmppRecorded: get('pfgmpp') !== undefined,
    model,
  };
}

/** The loaded network F(c_in·x, c_noise, labels) = SongUNet, and EDMPrecond's configuration (for the method). */
export interface LoadedEdm {
  network: Network;
  precond: EdmPrecondConfig;
}

/**
 * Loads the SongUNet inside an EDM `network-snapshot-*.pkl` or PFGM++ `training-state-*.pt`. The architecture comes
 * from the file's own EDMPrecond arguments unless `config` is given (then the file must match it). The network is
 * the raw SongUNet: `apply(c_in·x, c_noise, false, labels)` with c_noise = ln(σ)/4 as EDMPrecond feeds it.
 */
export function loadSongUNet(file: Uint8Array | EdmFile, opts: { weights?: WeightChoice; where?: string; config?: EdmPrecondConfig } = {}): LoadedEdm {
  const { weights = 'ema', where = 'network.pkl' } = opts;
  const f = file instanceof Uint8Array ? readEdmFile(file, where) : file;
  const node = weights === 'ema' ? f.ema : f.net;
  if (node === null) throw new Error(`${where}: this ${f.kind} holds only the ${weights === 'ema' ? 'raw' : 'EMA'} network; load weights: '${weights === 'ema' ? 'raw' : 'ema'}'`);
  const precond = opts.config ?? edmPrecondConfig(node, where);
  const { config, io } = songUNetToUNet(precond);
  const mapping = songUNetKeyMapping(config, io);
  const sd = moduleStateDict(node, where);
  const filter = precond.model.resample_filter;
  const ignored = (k: string): boolean => k.endsWith('.resample_filter') || (k === 'model.map_augment.weight' && precond.model.augment_dim > 0);
  checkKeys(mapping, sd, where, `SongUNet for ${describe(precond)}`, ignored);
  checkResampleFilters(sd, filter, where);
  const net = buildNetwork(config, io, new Rng(0), { init: false }); // every weight is assigned below
  try {
    assignOfficial(net, mapping, (m) => sd.get(m.official) as HostTensor);
  } catch (e) {
    net.dispose();
    throw e;
  }
  return { network: net, precond };
}

/** Every `resample_filter` buffer must be outer(k, k)/(Σk)² of the configured kernel. */
function checkResampleFilters(sd: StateDict, k: number[], where: string): void {
  const s = k.reduce((a, b) => a + b, 0);
  for (const [key, t] of sd) {
    if (!key.endsWith('.resample_filter')) continue;
    const ok = t.data.length === k.length * k.length && t.data.every((v, i) => Math.abs(v - (k[Math.floor(i / k.length)] * k[i % k.length]) / (s * s)) < 1e-6);
    if (!ok) throw new Error(`${where}: ${key} is not the [${k}] filter of the configuration (resample_filter mismatch)`);
  }
}

function describe(c: EdmPrecondConfig): string {
  const m = c.model;
  return `${m.embedding_type === 'fourier' ? 'ncsnpp' : 'ddpmpp'} (model_channels ${m.model_channels}, channel_mult [${m.channel_mult}], ${m.num_blocks} blocks, attn [${m.attn_resolutions}], resample_filter [${m.resample_filter}], encoder ${m.encoder_type}), ${c.img_resolution}²×${c.img_channels}${c.label_dim ? `, ${c.label_dim} classes` : ''}`;
}
