import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { LOCK_FILE } from './run-lock.js';

/** Name of the completion marker written by {@link markRunDone}. */
export const DONE_FILE = 'DONE';
/** Every run folder this project writes holds both of these (written by `writeProvenance`): its marker files. */
export const RUN_MARKERS = ['config.json', 'provenance.json'] as const;
/** A run folder holding this table is treated as finished too. */
export const METRICS_FILE = 'metrics.csv';

/** Options of {@link createRunDir}. */
export interface RunDirOptions {
  /** Run id (folder name). Default: a new `<UTC timestamp>-<4 random hex>` id, e.g. `20261125T204834Z-3fa9`. */
  runId?: string;
  /** Replace a finished run (clears its folder). Default false: a finished run is never overwritten. */
  overwrite?: boolean;
}

/** A run folder `<root>/<experiment>/<runId>/`. */
export interface RunDir {
  /** Absolute path of the run folder. */
  dir: string;
  experiment: string;
  runId: string;
  /** True when a given `runId` named an existing unfinished run, which is continued (resumable sweeps). */
  resumed: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkName(what: string, name: string): void {
  if (!NAME.test(name) || name.includes('..'))
    throw new Error(
      `createRunDir: ${what} ${JSON.stringify(name)} is not a valid folder name; use letters, digits, '.', '_', '-' ` +
        `(starting with a letter or digit), e.g. "toy-table"`,
    );
}

/** A fresh run id: UTC time to the second plus 4 random hex digits, sortable by start time. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** A run is finished once it has a `DONE` marker or a `metrics.csv`. */
export function isRunFinished(dir: string): boolean {
  return existsSync(join(dir, DONE_FILE)) || existsSync(join(dir, METRICS_FILE));
}

/** Writes the `DONE` completion marker (its text: the finish time, ISO 8601). */
export function markRunDone(dir: string, at: Date = new Date()): void {
  writeFileAtomic(join(dir, DONE_FILE), at.toISOString() + '\n');
}

/** What a folder holds, as far as overwriting goes: nothing, one of this project's run folders, or something else. */
export type FolderState =
  | { kind: 'absent' }
  | { kind: 'empty' }
  | { kind: 'run'; finished: boolean; entries: string[] }
  | { kind: 'foreign'; entries: string[] }
  | { kind: 'file' };

/** Entries that do not count as content: this project's lock file and temp files of interrupted atomic writes. */
function isScratch(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`) || isTempFile(name);
}

/** A temp file of {@link writeFileAtomic} or of the safetensors writer: `.<name>.<pid>.<hex>.tmp`. */
export function isTempFile(name: string): boolean {
  return /^\..+\.\d+\.[0-9a-f]+\.tmp$/.test(name);
}

/** Classifies `path` (a run folder has both {@link RUN_MARKERS}; lock and temp files are ignored). */
export function folderState(path: string): FolderState {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return { kind: 'absent' };
  if (!st.isDirectory()) return { kind: 'file' };
  const entries = readdirSync(path).filter((e) => !isScratch(e));
  if (entries.length === 0) return { kind: 'empty' };
  if (RUN_MARKERS.every((m) => entries.includes(m))) return { kind: 'run', finished: isRunFinished(path), entries };
  return { kind: 'foreign', entries };
}

/** One line that says why `--overwrite` refuses a folder that is not one of this project's runs. */
export function notARunMessage(dir: string, state: FolderState): string {
  const list = state.kind === 'foreign' ? `${state.entries.slice(0, 3).join(', ')}${state.entries.length > 3 ? ', …' : ''}` : '';
  return state.kind === 'file'
    ? `${dir} is a file, not a folder; pass a folder for the run`
    : `${dir} is not a pfgm run folder (it holds ${list} but not ${RUN_MARKERS.join(' + ')}); --overwrite only replaces runs this project wrote. Pick another folder, or empty this one yourself`;
}

/** Removes the temp files that killed atomic writes left in `dir` (never the lock); returns their names. */
export function removeStaleTempFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const stale = readdirSync(dir).filter(isTempFile);
  for (const f of stale) rmSync(join(dir, f), { force: true });
  return stale;
}

/**
 * Removes the entries of run folder `dir` that `owned` accepts (plus temp files), keeping the lock file and anything
 * else; refuses a folder that is not a run. Returns what was removed and kept.
 */
export function clearRunFolder(dir: string, owned: (entry: string) => boolean = () => true): { removed: string[]; kept: string[] } {
  const state = folderState(dir);
  if (state.kind === 'absent' || state.kind === 'empty') return { removed: [], kept: [] };
  if (state.kind !== 'run') throw new Error(notARunMessage(dir, state));
  const removed: string[] = [];
  const kept: string[] = [];
  for (const e of readdirSync(dir)) {
    if (e === LOCK_FILE || e.startsWith(`${LOCK_FILE}.`)) continue;
    if (isTempFile(e) || owned(e)) {
      rmSync(join(dir, e), { recursive: true, force: true });
      removed.push(e);
    } else kept.push(e);
  }
  return { removed, kept };
}

function createFresh(expDir: string): { dir: string; runId: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const runId = newRunId();
    const dir = join(expDir, runId);
    try {
      mkdirSync(dir); // not recursive: fails with EEXIST instead of sharing a folder with a concurrent run
      return { dir, runId };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`createRunDir: could not find an unused run id under ${expDir} after 20 tries`);
}

/** The folder `<root>/<experiment>/<runId>/` (names checked as by {@link createRunDir}); creates nothing. */
export function runDirPath(root: string, experiment: string, runId: string): string {
  checkName('experiment', experiment);
  checkName('runId', runId);
  return join(resolve(root, experiment), runId);
}

/**
 * Creates (or, for a given unfinished `runId`, continues) the run folder `<root>/<experiment>/<runId>/`.
 * Refuses to touch a finished run unless `overwrite: true`, which clears it first; `overwrite` refuses a folder that
 * is not one of this project's runs (no {@link RUN_MARKERS}).
 */
export function createRunDir(root: string, experiment: string, opts: RunDirOptions = {}): RunDir {
  checkName('experiment', experiment);
  const expDir = resolve(root, experiment);
  mkdirSync(expDir, { recursive: true });
  if (opts.runId === undefined) return { ...createFresh(expDir), experiment, resumed: false };

  const runId = opts.runId;
  checkName('runId', runId);
  const dir = join(expDir, runId);
  const state = folderState(dir);
  const exists = state.kind !== 'absent' && state.kind !== 'empty'; // an empty folder (or one holding only a lock) starts fresh
  if (state.kind === 'file' || (opts.overwrite && state.kind === 'foreign')) throw new Error(`createRunDir: ${notARunMessage(dir, state)}`);
  if (exists && isRunFinished(dir)) {
    if (!opts.overwrite)
      throw new Error(
        `createRunDir: run ${dir} is finished (it has ${DONE_FILE} or ${METRICS_FILE}); refusing to overwrite it. ` +
          `Pass overwrite: true (CLI: --overwrite) to replace it, or leave runId out to start a new run.`,
      );
  }
  if (exists && opts.overwrite) clearRunFolder(dir); // keeps the lock of the caller (run-lock.ts)
  mkdirSync(dir, { recursive: true });
  return { dir, experiment, runId, resumed: exists && !opts.overwrite };
}
