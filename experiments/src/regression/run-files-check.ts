import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '@pfgm/runs';
import { fileSha256 } from './file-sha256.js';

/** Where a model's checkpoint and config are recorded, for the findings' messages. */
export interface BaselinesSource {
  /** The baselines file that lists the model (e.g. results/baselines.json). */
  file: string;
  /** The command that regenerates it. */
  regenerate: string;
}

/** A listed run folder whose checkpoint or config is gone, or differs from the recorded sha256. */
export type RunFilesProblem =
  | { kind: 'missing'; id: string; path: string; source: BaselinesSource }
  | { kind: 'changed'; id: string; file: string; expected: string; actual: string; source: BaselinesSource };

/**
 * Checks that `dir`'s checkpoint.safetensors and config.json exist and have the recorded sha256 (a retrained or
 * edited model needs new baselines, not a silent pass); null when both match.
 */
export function checkRunFiles(id: string, dir: string, recorded: { checkpointSha256: string; configSha256: string }, source: BaselinesSource): RunFilesProblem | null {
  const files = [
    { file: join(dir, RUN_FILES.checkpoint), expected: recorded.checkpointSha256 },
    { file: join(dir, RUN_FILES.config), expected: recorded.configSha256 },
  ];
  for (const f of files) {
    if (!existsSync(f.file)) return { kind: 'missing', id, path: f.file, source };
    const actual = fileSha256(f.file);
    if (actual !== f.expected) return { kind: 'changed', id, file: f.file, expected: f.expected, actual, source };
  }
  return null;
}
