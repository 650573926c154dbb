import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { archConfigFrom, METHOD_NAMES, openCheckpoint, POSITIVE_INT, RELEASED_DATASET_NAMES, type MethodName, type OpenRun, type ReleasedDataset, type ReleasedFlags } from '@pfgm/runs';
import { int, oneOf } from './parse.js';

// `--checkpoint` (issue 15's spelling; `--ckpt` is the same option) and the flags that say what a released file does
// not: sample, encode, interpolate, bpd and fid share them. The merge rules live in @pfgm/runs resolveCheckpointFlags.

/** Options of {@link withCheckpointOptions} as commander parses them. */
export interface CheckpointOptions {
  ckpt?: string;
  method?: MethodName;
  D?: number;
  dataset?: ReleasedDataset;
  archConfig?: string;
}

const CHECKPOINT_HELP =
  'run folder of pfgm train (or its checkpoint.safetensors), or a released checkpoint: score_sde/PFGM checkpoint_*.pth, PFGM++ training-state-*.pt|.pkl, EDM network-snapshot-*.pkl (--checkpoint and --ckpt are one option)';

/** Adds `--checkpoint, --ckpt <path>` (required unless `optional`) and the released-file flags. */
export function withCheckpointOptions(cmd: Command, opts: { optional?: string } = {}): Command {
  const c = opts.optional === undefined ? cmd.requiredOption('--checkpoint, --ckpt <path>', CHECKPOINT_HELP) : cmd.option('--checkpoint, --ckpt <path>', `${opts.optional}: ${CHECKPOINT_HELP}`);
  return c
    .option('--method <name>', `released file: ${METHOD_NAMES.join(' | ')} where the file does not say it (a score_sde .pth with --arch-config, an EDM pickle sampled as PFGM++); must agree where it does`, oneOf('--method', METHOD_NAMES))
    .option('--D <n>', "released file: PFGM++'s D (the official --aug_dim) where the file does not record it; with --method pfgmpp", int('--D', POSITIVE_INT))
    .option('--dataset <name>', `released file: the data set it was trained on (${RELEASED_DATASET_NAMES.join(' | ')}); its image size must be the network's`, oneOf('--dataset', RELEASED_DATASET_NAMES))
    .option('--arch-config <file.json>', "released score_sde .pth only: its official NCSN++ config (model, data, training.sde) as JSON, when the file matches none of the released configs");
}

/** The released-file flags of parsed options; `--arch-config` is read and checked here (one line per problem). */
export function checkpointFlags(o: CheckpointOptions): ReleasedFlags {
  const flags: ReleasedFlags = { method: o.method, D: o.D, dataset: o.dataset };
  if (o.archConfig === undefined) return flags;
  const p = o.archConfig;
  if (!existsSync(p)) throw new Error(`--arch-config ${p}: no such file; expected the official NCSN++ config as JSON`);
  if (!statSync(p).isFile()) throw new Error(`--arch-config ${p} is a folder; expected a JSON file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new Error(`--arch-config ${p}: not valid JSON (${(e as Error).message}); expected the official NCSN++ config as JSON`);
  }
  return { ...flags, ncsnpp: archConfigFrom(json, p) };
}

/** Opens `--checkpoint` with the released-file flags (EMA weights unless `ema` is false). */
export function openCheckpointOf(o: CheckpointOptions, ema?: boolean): Promise<OpenRun> {
  return openCheckpoint(o.ckpt as string, { ema, flags: checkpointFlags(o) });
}
