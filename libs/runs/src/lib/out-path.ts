import { statSync, type Stats } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { acquireLock, folderState, type RunLock } from '@pfgm/report';

/** stat, or undefined when nothing is there (also when a part of the path is a file). */
function statOrNone(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * Checks, before any work, that an output file can be written at `out`: it is not an existing folder, and the
 * nearest existing folder above it is a folder (missing ones are created by the writers).
 */
export function checkParentFolder(out: string): void {
  if (statOrNone(out)?.isDirectory()) throw new Error(`--out ${out} is a folder; expected a file name`);
  for (let p = dirname(out); ; p = dirname(p)) {
    const st = statOrNone(p);
    if (st !== undefined) {
      if (!st.isDirectory()) throw new Error(`--out ${out}: ${p} is a file, not a folder`);
      return;
    }
    if (dirname(p) === p) return;
  }
}

/** Checks `--out` of sampled data of per-sample `shape` against what {@link writeSamples} can write, before sampling. */
export function checkSamplesOut(out: string, shape: readonly number[]): void {
  const ext = extname(out).toLowerCase();
  const points = shape.length === 1;
  const ok = ext === '.npz' || (points ? ['.csv', ...(shape[0] === 2 ? ['.png', '.svg'] : [])] : ['.png']).includes(ext);
  if (!ok) {
    const allowed = points ? (shape[0] === 2 ? '.png, .svg, .csv or .npz' : '.csv or .npz (plots need 2-D points)') : '.png (grid) or .npz (all samples)';
    throw new Error(`--out ${out}: expected ${allowed} for ${points ? `${shape[0]}-D points` : 'images'}`);
  }
  checkParentFolder(out);
}

/**
 * When `out` lies in a run folder (config.json + provenance.json), takes that folder's lock for the write, so a file
 * is never written into a run another process is training (it fails with "in use by pid N …"). Returns the lock to
 * release, or undefined for any other folder.
 */
export async function lockRunFolderOf(out: string, what: string): Promise<RunLock | undefined> {
  const dir = dirname(resolve(out));
  return folderState(dir).kind === 'run' ? acquireLock(dir, what) : undefined;
}

/** Checks that a folder option (e.g. `--data-dir`) names an existing folder, instead of being passed over silently. */
export function checkFolderOption(name: string, path: string | undefined): void {
  if (path === undefined) return;
  const st = statOrNone(path);
  if (st === undefined) throw new Error(`${name} ${path}: no such folder`);
  if (!st.isDirectory()) throw new Error(`${name} ${path} is a file; expected the folder that holds the data files`);
}
