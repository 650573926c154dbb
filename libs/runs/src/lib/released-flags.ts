import type { NcsnppConfig } from '@pfgm/networks';
import type { MethodName } from './defaults.js';

// What a checkpoint says about itself (method, PFGM++ D, data shape) merged with what the user says on the command
// line (`--method`, `--D`, `--dataset`): the file wins where it speaks, a flag fills in where it is silent, and a flag
// that contradicts the file, or a combination that cannot be sampled, is one line naming both values.
// Where the released files speak: score_sde `checkpoint_*.pth` carry no config, so the method comes from the official
// config they match (`training.sde`: Poisson_flow 'poisson', score_sde 'vpsde'); PFGM++ networks record `pfgmpp` and `D`
// in EDMPrecond (pfgmpp `training/training_loop.py` interface_kwargs), but the official sampler takes both from its
// command line (`generate.py --pfgmpp --aug_dim`, asserting `net.D == aug_dim` only for `.pt`), and EDM's own
// EDMPrecond (NVlabs/edm) and older PFGM++ pickles record neither.

/** The data sets of the released models, with the image shape ([H, W, C]) their networks take. */
export const RELEASED_DATASETS = {
  cifar10: [32, 32, 3],
  celeba64: [64, 64, 3],
  'lsun-bedroom256': [256, 256, 3],
  ffhq64: [64, 64, 3],
} as const satisfies Record<string, readonly [number, number, number]>;

export type ReleasedDataset = keyof typeof RELEASED_DATASETS;
export const RELEASED_DATASET_NAMES = Object.keys(RELEASED_DATASETS) as ReleasedDataset[];

/** What the user said on the command line (absent: not said). */
export interface CheckpointFlags {
  method?: MethodName;
  /** PFGM++ D (a positive integer). */
  D?: number;
  dataset?: ReleasedDataset;
  /** Whether an architecture config was given (`--arch-config`). */
  archConfig?: boolean;
}

/** What a checkpoint says about itself. */
export interface CheckpointFacts {
  /** 'run': a run folder of `pfgm train` (its config.json records everything); 'score_sde': `.pth`; 'edm': `.pkl` / `.pt`. */
  kind: 'run' | 'score_sde' | 'edm';
  /** The path, for messages. */
  where: string;
  /** The method the file records (absent: it does not say). */
  method?: MethodName;
  /** PFGM++ D the file records with `method: 'pfgmpp'`. */
  D?: number;
  /** Per-sample image shape [H, W, C] of the network. */
  shape: readonly number[];
  /** How the file says it, e.g. "its config.json", "its EDMPrecond (pfgmpp=True, D=128)". */
  source: string;
}

/** The method and data set to open the checkpoint with. */
export interface ResolvedCheckpoint {
  method: MethodName;
  /** PFGM++ D (method 'pfgmpp' only). */
  D?: number;
  /** The data set given with `--dataset` (checked against the network's shape), else absent. */
  dataset?: ReleasedDataset;
}

const methodWords = (m: MethodName, D?: number): string => (m === 'pfgmpp' ? `pfgmpp (D = ${D})` : m);

/**
 * Merges a checkpoint's own facts with the command-line flags; throws one line naming both values when they
 * disagree or cannot go together. Pure: no file is read.
 */
export function resolveCheckpointFlags(facts: CheckpointFacts, flags: CheckpointFlags): ResolvedCheckpoint {
  const { where } = facts;
  if (facts.kind === 'run') {
    const given = (['method', 'D', 'dataset', 'archConfig'] as const).filter((k) => flags[k] !== undefined && flags[k] !== false);
    if (given.length > 0) {
      const flag = given[0] === 'archConfig' ? '--arch-config' : `--${given[0]} ${String(flags[given[0]])}`;
      throw new Error(`${flag}: ${where} is a run folder of 'pfgm train' whose config.json records method ${methodWords(facts.method as MethodName, facts.D)} and data [${facts.shape}]; these flags are for released .pth/.pt/.pkl files only: drop ${flag.split(' ')[0]}`);
    }
    return { method: facts.method as MethodName, ...(facts.method === 'pfgmpp' ? { D: facts.D } : {}) };
  }
  if (flags.archConfig && facts.kind === 'edm') {
    throw new Error(`--arch-config: ${where} is an EDM / PFGM++ file that carries its own architecture (EDMPrecond); --arch-config is for score_sde .pth files only: drop it`);
  }
  const family: MethodName[] = facts.kind === 'score_sde' ? ['pfgm', 'vp'] : ['pfgmpp', 'edm'];
  if (flags.method !== undefined && !family.includes(flags.method)) {
    const fmt = facts.kind === 'score_sde' ? 'a score_sde-format .pth (NCSN++: PFGM or VP-ODE)' : 'an EDM / PFGM++ network (SongUNet: PFGM++ or EDM)';
    throw new Error(`--method ${flags.method}: ${where} is ${fmt}; expected --method ${family.join(' or ')}`);
  }
  if (flags.method !== undefined && facts.method !== undefined && flags.method !== facts.method) {
    throw new Error(`--method ${flags.method} contradicts ${where}, which is ${methodWords(facts.method, facts.D)} by ${facts.source}; drop --method or pick the right file`);
  }
  const method = flags.method ?? facts.method ?? (facts.kind === 'edm' ? 'edm' : undefined);
  if (method === undefined) {
    throw new Error(`${where}: ${facts.source} does not say whether it is PFGM or VP-ODE; pass --method pfgm or --method vp`);
  }
  let D: number | undefined;
  if (method === 'pfgmpp') {
    if (flags.D !== undefined && facts.method === 'pfgmpp' && facts.D !== undefined && flags.D !== facts.D) {
      throw new Error(`--D ${flags.D} contradicts ${where}, which is PFGM++ with D = ${facts.D} by ${facts.source}; drop --D or pick the right file`);
    }
    D = flags.D ?? (facts.method === 'pfgmpp' ? facts.D : undefined);
    if (D === undefined) throw new Error(`--method pfgmpp: ${where} does not record PFGM++'s D (${facts.source}); pass --D <int> as in the README's --aug_dim`);
  } else if (flags.D !== undefined) {
    throw new Error(`--D ${flags.D} applies to PFGM++ only; ${where} is ${method}${flags.method === undefined ? ` by ${facts.source}` : ' (--method)'}: drop --D${facts.kind === 'edm' ? ' or pass --method pfgmpp' : ''}`);
  }
  if (flags.dataset !== undefined) {
    const want = RELEASED_DATASETS[flags.dataset];
    if (want.join() !== facts.shape.join()) {
      throw new Error(`--dataset ${flags.dataset} has ${want[0]}×${want[1]}×${want[2]} images, but ${where} is a network for ${facts.shape.join('×')}; pick the data set the file was trained on`);
    }
  }
  return { method, ...(D !== undefined ? { D } : {}), ...(flags.dataset !== undefined ? { dataset: flags.dataset } : {}) };
}

/**
 * The official NCSN++ config of a score_sde `.pth` from parsed JSON (`--arch-config`): the ml_collections fields
 * `model`, `data` (image_size, num_channels, centered) and optionally `training.sde`; an object holding it under
 * `config` (the fixtures' expected.json) is accepted too. Only the shape is checked here; the values are checked by
 * the network builder and the file's keys. One line naming the first missing field.
 */
export function archConfigFrom(json: unknown, where: string): NcsnppConfigJson {
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const c = obj(json) && obj(json.config) && !('model' in json) ? json.config : json;
  const expected = 'expected the official NCSN++ config as JSON: { "model": { "nf", "ch_mult", … }, "data": { "image_size", "num_channels", "centered" }, "training": { "sde": "poisson" | "vpsde" } }';
  if (!obj(c)) throw new Error(`--arch-config ${where}: not a JSON object; ${expected}`);
  for (const k of ['model', 'data'] as const) if (!obj(c[k])) throw new Error(`--arch-config ${where}: no "${k}" object; ${expected}`);
  const model = c.model as Record<string, unknown>;
  const data = c.data as Record<string, unknown>;
  for (const k of ['nf', 'ch_mult', 'num_res_blocks', 'attn_resolutions']) if (model[k] === undefined) throw new Error(`--arch-config ${where}: no "model.${k}"; ${expected}`);
  for (const k of ['image_size', 'num_channels']) if (!Number.isInteger(data[k])) throw new Error(`--arch-config ${where}: "data.${k}" must be an integer; ${expected}`);
  if (c.training !== undefined && !obj(c.training)) throw new Error(`--arch-config ${where}: "training" must be an object; ${expected}`);
  return { ...c, training: obj(c.training) ? c.training : {} } as unknown as NcsnppConfigJson;
}

/** An NCSN++ config as read from JSON (`training.sde` may be absent: then `--method` says PFGM or VP). */
export type NcsnppConfigJson = Omit<NcsnppConfig, 'training'> & { training: { sde?: string } };
