import { execFileSync } from 'node:child_process';

/** The source state a result came from. `null` fields mean "unknown", and `error` says why. */
export interface GitState {
  /** `git rev-parse HEAD`, or null when git or the repository is unavailable. */
  commit: string | null;
  /** True when `git status --porcelain` lists anything (modified, staged or untracked files); null when unknown. */
  dirty: boolean | null;
  /** The first 50 lines of `git status --porcelain` (what made it dirty). */
  dirtyPaths: string[];
  /** Number of lines `git status --porcelain` printed (may exceed `dirtyPaths.length`). */
  dirtyCount: number | null;
  /** Why commit/dirty are null. */
  error?: string;
}

const MAX_PATHS = 50;

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}

function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { stderr?: string };
  if (e.code === 'ENOENT') return 'git is not installed or not on PATH';
  const stderr = typeof e.stderr === 'string' ? e.stderr.trim() : '';
  return stderr || e.message;
}

/** Reads commit and dirty flag of the git repository containing `cwd` (default: the process's working folder). */
export function gitState(cwd: string = process.cwd()): GitState {
  let commit: string;
  try {
    commit = git(['rev-parse', 'HEAD'], cwd).trim();
  } catch (err) {
    return { commit: null, dirty: null, dirtyPaths: [], dirtyCount: null, error: `git rev-parse HEAD failed: ${describeError(err)}` };
  }
  try {
    const lines = git(['status', '--porcelain'], cwd).split('\n').filter((l) => l.length > 0);
    return { commit, dirty: lines.length > 0, dirtyPaths: lines.slice(0, MAX_PATHS), dirtyCount: lines.length };
  } catch (err) {
    return { commit, dirty: null, dirtyPaths: [], dirtyCount: null, error: `git status --porcelain failed: ${describeError(err)}` };
  }
}
