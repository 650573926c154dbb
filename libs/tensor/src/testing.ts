import * as tf from '@tensorflow/tfjs-core';
import { nativeSpecGate } from '@pfgm/native';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend } from './lib/backend/init-backend.js';

/** Tolerances for {@link expectClose}: |a − b| ≤ atol + rtol·|b| elementwise. */
export interface CloseOptions {
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-6. */
  atol?: number;
}

type Numeric = number | ArrayLike<number> | tf.Tensor;

function toArray(v: Numeric): ArrayLike<number> {
  if (typeof v === 'number') return [v];
  if (v instanceof tf.Tensor) return v.dataSync() as ArrayLike<number>;
  return v;
}

/** Elementwise closeness (numpy.allclose semantics); reports the worst element on failure. */
export function expectClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): void {
  const { rtol = 1e-5, atol = 1e-6 } = opts;
  const a = toArray(actual);
  const b = toArray(expected);
  expect(a.length, 'length').toBe(b.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i] - b[i]) - (atol + rtol * Math.abs(b[i]));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    const i = worst;
    const rel = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), Number.MIN_VALUE);
    expect.fail(
      `not close at index ${i} of ${a.length}: actual ${a[i]}, expected ${b[i]} ` +
        `(|diff| ${Math.abs(a[i] - b[i]).toExponential(3)}, rel ${rel.toExponential(3)}; rtol ${rtol}, atol ${atol})`,
    );
  }
}

/** Runs `fn` and asserts that it leaves no tensor behind (returned tensors must be disposed by `fn`'s caller: pass a function that disposes them). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) expect.fail(`tensor leak: ${after - before} tensor(s) left behind (before ${before}, after ${after})`);
  return out;
}

/** Whether specs that need @pfgm/native run here (re-exported for libraries that may not import the addon package). */
export { nativeSpecGate };

/**
 * Backend for integration specs that exercise whole runs rather than kernels: wasm with @pfgm/native's OpenBLAS
 * kernels where the addon is built (about 2× faster end to end on the 2-core CI machine), else plain threaded wasm.
 * Both are covered kernel by kernel by the native parity specs, so a run spec on either tests the same code path.
 */
export function integrationBackend(): 'wasm-native' | 'wasm' {
  return nativeSpecGate().available ? 'wasm-native' : 'wasm';
}

/**
 * Call once at the top of a spec file that checks native kernels against their composites: runs `setup` (default:
 * initBackend('wasm-native')) before the file's tests where the addon loads and selects 'cpu' after them, and adds the
 * test `name`, which fails naming why the addon is missing (unless PFGM_NATIVE_UNAVAILABLE=1 says the machine cannot
 * build it) and otherwise expects `registered()`. Returns the gate: the file's parity blocks use
 * `describe.skipIf(!gate.available)`, so CI, which builds the addon, never skips them silently.
 */
export function useWasmNative(
  name: string,
  registered: () => boolean | Promise<boolean>,
  setup: () => Promise<unknown> = () => initBackend('wasm-native', { log: () => undefined }),
): ReturnType<typeof nativeSpecGate> {
  const gate = nativeSpecGate();
  beforeAll(async () => {
    if (gate.available) await setup();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
  it(name, async () => {
    if (gate.missing != null) throw new Error(gate.missing);
    if (gate.available) expect(await registered()).toBe(true);
  });
  return gate;
}
