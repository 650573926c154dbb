import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

/** Name of the completion marker written by {@link markRunDone}. */
export const DONE_FILE = 'DONE';
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

/**
 * Creates (or, for a given unfinished `runId`, continues) the run folder `<root>/<experiment>/<runId>/`.
 * Refuses to touch a finished run unless `overwrite: true`, which clears it first.
 */
export function createRunDir(root: string, experiment: string, opts: RunDirOptions = {}): RunDir {
  checkName('experiment', experiment);
  const expDir = resolve(root, experiment);
  mkdirSync(expDir, { recursive: true });
  if (opts.runId === undefined) return { ...createFresh(expDir), experiment, resumed: false };

  const runId = opts.runId;
  checkName('runId', runId);
  const dir = join(expDir, runId);
  const exists = existsSync(dir);
  if (exists && isRunFinished(dir)) {
    if (!opts.overwrite)
      throw new Error(
        `createRunDir: run ${dir} is finished (it has ${DONE_FILE} or ${METRICS_FILE}); refusing to overwrite it. ` +
          `Pass overwrite: true (CLI: --overwrite) to replace it, or leave runId out to start a new run.`,
      );
  }
  if (exists && opts.overwrite) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return { dir, experiment, runId, resumed: exists && !opts.overwrite };
}
