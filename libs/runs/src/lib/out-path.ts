import { statSync, type Stats } from 'node:fs';
import { dirname, extname } from 'node:path';

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
