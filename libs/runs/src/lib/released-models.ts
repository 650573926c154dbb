import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MethodName } from './defaults.js';

// The papers' released checkpoints (the READMEs of Newbeeer/Poisson_flow, yang-song/score_sde_pytorch,
// Newbeeer/pfgmpp, NVlabs/edm) with their published numbers, and where a user keeps them: one folder per model under
// a checkpoints root (documented default `checkpoints/released/<id>/`), verified by size / sha256 when recorded.

/** One released model and the row it reproduces. */
export interface ReleasedModel {
  /** Our id, also its folder name under the checkpoints root. */
  id: string;
  method: MethodName;
  /** PFGM++ D (absent: not PFGM++). */
  D?: number;
  dataset: 'cifar10' | 'celeba64' | 'lsun-bedroom256' | 'ffhq64';
  /** Class-conditional (EDM `label_dim` 10 on CIFAR-10). */
  conditional: boolean;
  /** The sampler of the published row. */
  solver: { solver: 'rk45' } | { solver: 'heun'; nfe: number };
  /** Published FID / IS / NFE (IS and NFE absent where the source gives none). */
  published: { fid: number; is?: number; nfe?: number; source: string };
  /** File name(s) in the download folder (`*` matches the checkpoint number); the first pattern that matches wins. */
  file: string | string[];
  /** Where to download it. */
  url: string;
}

const PFGM_README = 'Newbeeer/Poisson_flow README (RK45 NFE averaged)';
const SDE_README = 'yang-song/score_sde_pytorch README, FID (ODE) column (the later checkpoint)';
const PFGMPP_README = 'Newbeeer/pfgmpp README (FID of 50k samples, Heun NFE 35 / 79)';
// File names as the official code reads them: score_sde / Poisson_flow `run_lib.py` evaluate loads
// `checkpoint_<n>.pth` (with two, score_sde's README: the larger number is the FID (ODE) / likelihood one, cited
// here); pfgmpp `generate.py` globs `training-state-*.pt`, or `training-state-*.pkl` with `--use_pickle=1` ("Some of
// the checkpoints are in .pkl format (due to a historical reason)", README: its Drive folders, FFHQ included, do not
// say which), never EDM's `network-snapshot-*.pkl`; EDM's own models are single files on its CDN. Checked against the
// mirrored READMEs and code by released-models.spec.
const PFGMPP_FILES = ['training-state-*.pt', 'training-state-*.pkl'];
const drive = (id: string): string => `https://drive.google.com/drive/folders/${id}`;

/** Every released model the harness can load (issue 15). */
export const RELEASED_MODELS: readonly ReleasedModel[] = [
  { id: 'pfgm-cifar10-ddpmpp', method: 'pfgm', dataset: 'cifar10', conditional: false, solver: { solver: 'rk45' }, published: { fid: 2.48, is: 9.65, nfe: 104, source: PFGM_README }, file: 'checkpoint_*.pth', url: drive('1UBRMPrABFoho4_laa4VZW733RJ0H_TI0') },
  { id: 'pfgm-cifar10-ddpmpp-deep', method: 'pfgm', dataset: 'cifar10', conditional: false, solver: { solver: 'rk45' }, published: { fid: 2.35, is: 9.68, nfe: 110, source: PFGM_README }, file: 'checkpoint_*.pth', url: 'https://drive.google.com/file/d/1BeJGD0WP230u8nkHEWqywOvhH2_5F-Q0' },
  { id: 'pfgm-celeba64-ddpmpp', method: 'pfgm', dataset: 'celeba64', conditional: false, solver: { solver: 'rk45' }, published: { fid: 3.68, nfe: 110, source: PFGM_README }, file: 'checkpoint_*.pth', url: drive('1LjplqjwIfZbp6LeK3_M2rIW-CaVhgn6p') },
  { id: 'pfgm-bedroom256-ddpmpp', method: 'pfgm', dataset: 'lsun-bedroom256', conditional: false, solver: { solver: 'rk45' }, published: { fid: 13.66, nfe: 122, source: PFGM_README }, file: 'checkpoint_*.pth', url: drive('1uFmlcBTQmUI_ZfyUiYoR54H4V2uBsuS7') },
  { id: 'vp-cifar10-ddpmpp-continuous', method: 'vp', dataset: 'cifar10', conditional: false, solver: { solver: 'rk45' }, published: { fid: 3.93, source: SDE_README }, file: 'checkpoint_*.pth', url: drive('1xYjVMx10N9ivQQBIsEoXEeu9nvSGTBrC') },
  { id: 'vp-cifar10-ddpmpp-deep-continuous', method: 'vp', dataset: 'cifar10', conditional: false, solver: { solver: 'rk45' }, published: { fid: 3.08, source: SDE_README }, file: 'checkpoint_*.pth', url: drive('1ZMLBiu9j7-rpdTQu8M2LlHAEQq4xRYrj') },
  { id: 'pfgmpp-cifar10-ncsnpp-d128', method: 'pfgmpp', D: 128, dataset: 'cifar10', conditional: false, solver: { solver: 'heun', nfe: 35 }, published: { fid: 1.92, nfe: 35, source: PFGMPP_README }, file: PFGMPP_FILES, url: drive('1W_fS4zwVGQ38I0tzgDZ30r54mOqzcgTP') },
  { id: 'pfgmpp-cifar10-ncsnpp-d2048', method: 'pfgmpp', D: 2048, dataset: 'cifar10', conditional: false, solver: { solver: 'heun', nfe: 35 }, published: { fid: 1.91, nfe: 35, source: PFGMPP_README }, file: PFGMPP_FILES, url: drive('1sZ7vh7o8kuXfFjK8ROWXxtEZi8Srewgo') },
  { id: 'pfgmpp-cifar10-ncsnpp-d2048-cond', method: 'pfgmpp', D: 2048, dataset: 'cifar10', conditional: true, solver: { solver: 'heun', nfe: 35 }, published: { fid: 1.74, nfe: 35, source: PFGMPP_README }, file: PFGMPP_FILES, url: drive('1IADJcuoUb2wc-Dzg42-F8RjgKVSZE-Jd') },
  { id: 'pfgmpp-cifar10-ncsnpp-dinf', method: 'edm', dataset: 'cifar10', conditional: false, solver: { solver: 'heun', nfe: 35 }, published: { fid: 1.98, nfe: 35, source: PFGMPP_README }, file: PFGMPP_FILES, url: drive('1vDeFtbaz3bBKJIJnZAk7JVrO8GvbFJh5') },
  { id: 'pfgmpp-ffhq64-ddpmpp-d128', method: 'pfgmpp', D: 128, dataset: 'ffhq64', conditional: false, solver: { solver: 'heun', nfe: 79 }, published: { fid: 2.43, nfe: 79, source: PFGMPP_README }, file: PFGMPP_FILES, url: drive('1oEySn3FndR_pseFLEN16Dygrc_SFUMuf') },
  { id: 'pfgmpp-ffhq64-ddpmpp-dinf', method: 'edm', dataset: 'ffhq64', conditional: false, solver: { solver: 'heun', nfe: 79 }, published: { fid: 2.53, nfe: 79, source: PFGMPP_README }, file: PFGMPP_FILES, url: drive('1gkluJFwIOoFOiVt7fofUzSpesgBYZiFA') },
  { id: 'edm-cifar10-cond-vp', method: 'edm', dataset: 'cifar10', conditional: true, solver: { solver: 'heun', nfe: 35 }, published: { fid: 1.79, nfe: 35, source: 'NVlabs/edm README' }, file: 'edm-cifar10-32x32-cond-vp.pkl', url: 'https://nvlabs-fi-cdn.nvidia.com/edm/pretrained/edm-cifar10-32x32-cond-vp.pkl' },
];

/** Documented default folder of the released checkpoints (relative to the repository root). */
export const RELEASED_DIR = 'checkpoints/released';

/**
 * What a user recorded for a file they downloaded (`<root>/released.json`: id → record, e.g. from `stat -c %s` and
 * `sha256sum`); checked when present, so a cut download or another checkpoint is refused before a run starts.
 */
export interface ReleasedRecord {
  size?: number;
  sha256?: string;
}

/** The released model with id `id`, or a one-line error listing the known ids. */
export function releasedModel(id: string): ReleasedModel {
  const m = RELEASED_MODELS.find((r) => r.id === id);
  if (m === undefined) throw new Error(`unknown released model "${id}"; expected one of ${RELEASED_MODELS.map((r) => r.id).join(', ')}`);
  return m;
}

/**
 * The checkpoint file of `model` under `root` (`<root>/<id>/<file>`; with several numbered checkpoints the largest
 * number, the last one of training). Missing: one line saying where to put it and where to download it. Verified by
 * size and sha256 when `<root>/released.json` records them.
 */
export function locateReleased(model: ReleasedModel, root: string = RELEASED_DIR): string {
  const dir = join(root, model.id);
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const patterns = Array.isArray(model.file) ? model.file : [model.file];
  for (const pattern of patterns) {
    const [prefix, suffix] = pattern.includes('*') ? pattern.split('*') : [pattern, ''];
    const files = names.filter((f) => (pattern.includes('*') ? f.startsWith(prefix) && f.endsWith(suffix) && f.length >= prefix.length + suffix.length : f === pattern));
    if (files.length === 0) continue;
    const num = (f: string): number => Number(f.slice(prefix.length, f.length - suffix.length)) || 0;
    const file = join(dir, files.sort((a, b) => num(a) - num(b))[files.length - 1]);
    verifyRecord(model.id, file, readRecords(root)[model.id]);
    return file;
  }
  throw new Error(`released model ${model.id}: no ${patterns.join(' or ')} in ${dir}/; download it from ${model.url} (${model.published.source}) into that folder`);
}

function readRecords(root: string): Record<string, ReleasedRecord> {
  const path = join(root, 'released.json');
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, ReleasedRecord>;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message}); expected { "<id>": { "size": bytes, "sha256": "hex" } }`);
  }
}

/** Throws one line when `file` differs from what the user recorded (a truncated download, another checkpoint). */
export function verifyRecord(id: string, file: string, record: ReleasedRecord | undefined): void {
  if (record === undefined) return;
  const size = statSync(file).size;
  if (record.size !== undefined && record.size !== size) throw new Error(`released model ${id}: ${file} has ${size} bytes, released.json records ${record.size} (truncated or another file?)`);
  if (record.sha256 !== undefined) {
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (sha !== record.sha256.toLowerCase()) throw new Error(`released model ${id}: ${file} has sha256 ${sha}, released.json records ${record.sha256}`);
  }
}
