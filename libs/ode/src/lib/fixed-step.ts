import * as tf from '@tensorflow/tfjs-core';
import { CountedField } from './field-eval.js';
import type { SolveOptions, SolveResult, TimeGrid, VectorField } from './types.js';
import { checkGrid, checkState } from './validate.js';

/** One step of a fixed-step method from t to tNext; returns the new state (fresh tensor, intermediates tidied). */
export type FixedStep = (f: CountedField, x: tf.Tensor, t: number, tNext: number, last: boolean) => tf.Tensor;

/**
 * Walks every interval of the grid with `step` (k-diffusion `sample_*` loop). No data is read per step:
 * each new state leaves a scalar Σx (one reduction, finite unless x has NaN/±Inf or overflows float32) that is
 * read once at the end, so a non-finite field value is reported with its step index and time without a device
 * sync inside the loop.
 */
export async function walkGrid(
  solver: string,
  step: FixedStep,
  f: VectorField,
  x0: tf.Tensor,
  grid: TimeGrid,
  opts: SolveOptions = {},
): Promise<SolveResult> {
  checkGrid(grid, solver);
  checkState(x0, solver);
  await checkFiniteStart(x0, solver);
  const field = new CountedField(f, solver);
  const n = grid.length - 1;
  const flags: tf.Scalar[] = [];
  const ts = [grid[0]];
  let x = x0;
  try {
    opts.onStep?.({ i: 0, t: grid[0], x: x0, nfe: 0 });
    for (let i = 0; i < n; i++) {
      const next = step(field, x, grid[i], grid[i + 1], i === n - 1);
      if (x !== x0) x.dispose();
      x = next;
      flags.push(tf.sum(next));
      ts.push(grid[i + 1]);
      opts.onStep?.({ i: i + 1, t: grid[i + 1], x, nfe: field.nfe });
      await yieldToEventLoop(); // the cpu/wasm kernels are synchronous: let a pending Ctrl-C / SIGTERM handler run between steps
    }
    await throwAtFirstNonFinite(flags, grid, solver);
  } catch (e) {
    if (x !== x0) x.dispose();
    throw e;
  } finally {
    tf.dispose(flags);
  }
  return { x, nfe: field.nfe, ts };
}

/** One read of sum(0·x0): throws if the initial state has NaN or ±Inf. */
export async function checkFiniteStart(x0: tf.Tensor, solver: string): Promise<void> {
  const probe = tf.tidy(() => tf.sum(tf.mul(x0, 0)));
  const [v] = await probe.data();
  probe.dispose();
  if (!Number.isFinite(v)) {
    throw new RangeError(`${solver}: x0 contains non-finite values (NaN or ±Inf); the initial state must be finite.`);
  }
}

async function throwAtFirstNonFinite(flags: tf.Scalar[], grid: TimeGrid, solver: string): Promise<void> {
  if (flags.length === 0) return;
  const all = tf.stack(flags);
  const v = await all.data();
  all.dispose();
  const i = v.findIndex((s) => !Number.isFinite(s));
  if (i < 0) return;
  throw new RangeError(`${solver}: the vector field produced non-finite values (NaN or ±Inf, or a state whose float32 sum overflows) in step ${i} ` +
    `(t = ${grid[i]} → ${grid[i + 1]}); the state before it was finite. Check the field near these times ` +
    '(e.g. a division by t or sigma = 0: a grid ending at 0 needs a last Euler step), or use smaller steps.');
}

/**
 * One turn of the event loop (its poll phase handles pending signals), without reading any tensor. Browsers have no
 * setImmediate (the playground runs these solvers in a page): there a MessageChannel message, which, unlike
 * setTimeout(0), is not clamped to 4 ms.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    // The DOM's MessagePort (typed only where the DOM lib is in scope; Node's typings lack `onmessage`).
    const port = ch.port1 as unknown as { onmessage: (() => void) | null; close(): void };
    port.onmessage = () => {
      port.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}
