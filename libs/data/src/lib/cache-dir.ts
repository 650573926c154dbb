import { homedir } from 'node:os';
import { join } from 'node:path';

/** The download cache: `explicit`, else env PFGM_CACHE, else $XDG_CACHE_HOME/pfgm-bench, else ~/.cache/pfgm-bench. */
export function cacheDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  if (env.PFGM_CACHE) return env.PFGM_CACHE;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'pfgm-bench');
}
