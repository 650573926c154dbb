import type * as tf from '@tensorflow/tfjs-core';
import type { TimeGrid } from './types.js';

// ----------------------------------------------------------------------------
// Input checks shared by every solver: each error says what was wrong, what was
// expected and how to fix it.
// ----------------------------------------------------------------------------

/** Throws unless `grid` is a Float64Array of ≥ 2 finite, strictly monotonic times; returns the direction (+1 or −1). */
export function checkGrid(grid: TimeGrid, solver: string): 1 | -1 {
  if (!(grid instanceof Float64Array)) {
    throw new TypeError(`${solver}: the time grid must be a Float64Array (float64 times), got ${describe(grid)}; ` +
      'build it with uniformGrid/logUniformGrid/edmGrid/vpGrid or Float64Array.from([...]).');
  }
  if (grid.length < 2) {
    throw new RangeError(`${solver}: the time grid has ${grid.length} point(s), expected at least 2 ` +
      '(a start and an end time); a grid for N steps has N + 1 times.');
  }
  const bad = grid.findIndex((t) => !Number.isFinite(t));
  if (bad >= 0) {
    throw new RangeError(`${solver}: grid[${bad}] = ${grid[bad]} is not finite; every time must be a finite number.`);
  }
  const dir = grid[1] > grid[0] ? 1 : -1;
  for (let i = 1; i < grid.length; i++) {
    const d = grid[i] - grid[i - 1];
    if (!(d * dir > 0)) {
      throw new RangeError(`${solver}: the time grid is not strictly monotonic at index ${i} ` +
        `(grid[${i - 1}] = ${grid[i - 1]}, grid[${i}] = ${grid[i]}, direction of grid[0] → grid[1] is ` +
        `${dir > 0 ? 'increasing' : 'decreasing'}); remove repeated times and sort the grid one way.`);
    }
  }
  return dir;
}

/** Throws unless x0 is a float32 tensor with at least one element. */
export function checkState(x0: tf.Tensor, solver: string): void {
  if (x0 == null || typeof (x0 as tf.Tensor).shape !== 'object') {
    throw new TypeError(`${solver}: x0 must be a tf.Tensor, got ${describe(x0)}.`);
  }
  if (x0.isDisposed) throw new Error(`${solver}: x0 has been disposed; pass a live tensor.`);
  if (x0.dtype !== 'float32') {
    throw new TypeError(`${solver}: x0 must be float32, got ${x0.dtype}; cast it with x0.toFloat() / tf.cast(x0, 'float32').`);
  }
  if (x0.size === 0) throw new RangeError(`${solver}: x0 has shape [${x0.shape}] with no elements; nothing to integrate.`);
}

/** Throws unless v is a finite number > 0. */
export function checkPositive(name: string, v: number, solver: string, hint: string): void {
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new RangeError(`${solver}: ${name} must be a finite number > 0, got ${v}; ${hint}`);
  }
}

function describe(v: unknown): string {
  if (v == null) return String(v);
  if (Array.isArray(v)) return `an Array of length ${v.length}`;
  return (v as object).constructor?.name ?? typeof v;
}
