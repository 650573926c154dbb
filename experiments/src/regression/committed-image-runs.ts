import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { REPO_ROOT } from './baselines-file.js';
import { listImageRuns } from './build-image-baselines.js';

/**
 * The image runs committed under `modelsDir` (folder names starting with `prefix` whose checkpoint git tracks): runs
 * that a local job is still writing there are not committed models and need no baseline yet. Without git (an export
 * of the tree) every run on disk counts.
 */
export function committedImageRuns(modelsDir: string, prefix: string): string[] {
  const onDisk = listImageRuns(modelsDir, prefix);
  const git = spawnSync('git', ['ls-files', '--', relative(REPO_ROOT, modelsDir)], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (git.status !== 0 || git.error) return onDisk;
  const tracked = new Set(git.stdout.split('\n').filter((p) => p.endsWith('/checkpoint.safetensors')).map((p) => p.split('/').at(-2)));
  return onDisk.filter((id) => tracked.has(id));
}
