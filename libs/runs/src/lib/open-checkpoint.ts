import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJson } from '@pfgm/report';
import { isReleasedCheckpoint, openReleased, type ReleasedFlags } from './open-released.js';
import { openRun, type OpenRun } from './open-run.js';
import { resolveCheckpointFlags } from './released-flags.js';
import { RUN_FILES, type TrainRunConfig } from './run-config.js';

// `pfgm sample|encode|interpolate|bpd|fid --checkpoint <path>`: a released file opened with what the flags add to it,
// or a run folder of `pfgm train`, whose config.json records everything the flags could say (so they are refused).

/**
 * Opens a run folder (or its checkpoint.safetensors) or a released .pth / .pt / .pkl, with `flags` filling in what a
 * released file does not say. Flags are checked against the file before the network is built; on a run folder any
 * flag is one line naming the method its config.json records.
 */
export async function openCheckpoint(path: string, opts: { ema?: boolean; flags?: ReleasedFlags } = {}): Promise<OpenRun> {
  const flags = opts.flags ?? {};
  if (isReleasedCheckpoint(path)) return openReleased(path, { ema: opts.ema, ...flags });
  const cfgPath = join(path.endsWith('.safetensors') ? join(path, '..') : path, RUN_FILES.config);
  if (existsSync(cfgPath)) { // else openRun says what is missing
    const config = readJson<TrainRunConfig>(cfgPath);
    const D = config.method?.kind === 'pfgmpp' ? config.method.D : undefined;
    resolveCheckpointFlags(
      { kind: 'run', where: path, method: config.methodName, D, shape: config.data?.shape ?? [], source: 'its config.json' },
      { method: flags.method, D: flags.D, dataset: flags.dataset, archConfig: flags.ncsnpp !== undefined },
    );
  }
  return openRun(path, { ema: opts.ema });
}
