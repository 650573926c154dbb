// The fused GroupNorm kernels (@pfgm/native on wasm) against this library's composite GroupNorm on the tfjs cpu
// backend: forward and all three gradients, with and without SiLU, for the shapes the networks use. Runs wherever the
// addon builds; fails naming why unless PFGM_NATIVE_UNAVAILABLE=1.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fusedGroupNormAvailable, Rng } from '@pfgm/tensor';
import { expectClose, expectNoLeak, useWasmNative } from '@pfgm/tensor/testing';
import { describe, it } from 'vitest';
import { groupNorm, groupNormSilu } from './ops.js';

// The kernels are on wasm with the addon and not on cpu (the composite runs there).
const gate = useWasmNative('the fused GroupNorm kernels are registered on wasm with the addon (PFGM_NATIVE_UNAVAILABLE=1 only where it cannot build)', async () => {
  const onWasm = fusedGroupNormAvailable();
  await tf.setBackend('cpu');
  const onCpu = fusedGroupNormAvailable();
  await tf.setBackend('wasm');
  return onWasm && !onCpu;
});

type Result = { y: Float32Array; dx: Float32Array; dg: Float32Array; db: Float32Array };

/** y and the gradients of Σ y·w (w fixed random weights) on backend `name`. */
async function forwardAndGrads(name: string, shape: number[], groups: number, act: boolean, seed: number): Promise<Result> {
  const prev = tf.getBackend();
  await tf.setBackend(name);
  try {
    const rng = new Rng(seed);
    const C = shape[3];
    const x = tf.add(tf.mul(rng.normal(shape), 3), 0.5); // an offset and scale, as activations have
    const g = tf.add(rng.normal([C]), 1);
    const b = rng.normal([C]);
    const w = rng.normal(shape);
    const f = (a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => (act ? groupNormSilu(a, gg, bb, groups) : groupNorm(a, gg, bb, groups));
    const y = f(x, g, b);
    const [dx, dg, db] = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(a, gg, bb), w)))([x, g, b]);
    const out = { y: y.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array, dg: dg.dataSync() as Float32Array, db: db.dataSync() as Float32Array };
    tf.dispose([x, g, b, w, y, dx, dg, db]);
    return out;
  } finally {
    await tf.setBackend(prev);
  }
}

describe.skipIf(!gate.available)('fused GroupNorm (native, wasm) vs the composite (cpu)', () => {
  const cases = [
    { shape: [4, 28, 28, 16], groups: 4, act: true }, // the Fashion-MNIST cpu preset's first level, GroupNorm(C/4)
    { shape: [4, 14, 14, 32], groups: 8, act: false },
    { shape: [3, 7, 7, 64], groups: 16, act: true },
    { shape: [2, 8, 8, 128], groups: 32, act: true }, // DDPM++: 32 groups
    { shape: [2, 5, 3, 6], groups: 1, act: false }, // one group (LayerNorm-like), odd sizes
    { shape: [1, 1, 1, 8], groups: 2, act: true }, // one pixel: variance from the group only
  ];
  it.each(cases.map((c, i) => ({ ...c, i, name: `[${c.shape}] G=${c.groups}${c.act ? ' + SiLU' : ''}` })))('$name', async (c) => {
    const nat = await forwardAndGrads('wasm', c.shape, c.groups, c.act, 100 + c.i);
    const ref = await forwardAndGrads('cpu', c.shape, c.groups, c.act, 100 + c.i);
    expectClose(nat.y, ref.y, { rtol: 1e-4, atol: 1e-5 });
    expectClose(nat.dx, ref.dx, { rtol: 1e-3, atol: 1e-4 });
    // dγ and dβ are sums over B·H·W products: compare relative to their scale.
    const scale = (v: Float32Array) => Math.max(1, ...Array.from(v, Math.abs));
    expectClose(nat.dg, ref.dg, { rtol: 1e-3, atol: 1e-4 * scale(ref.dg) });
    expectClose(nat.db, ref.db, { rtol: 1e-3, atol: 1e-4 * scale(ref.db) });
  });

  it('a constant group (zero variance) stays finite: y = β, dx from eps alone', async () => {
    await tf.setBackend('wasm');
    const x = tf.fill([1, 4, 4, 4], 2.5);
    const y = groupNorm(x, tf.ones([4]), tf.fill([4], 0.25), 2);
    expectClose(y.dataSync(), new Float32Array(64).fill(0.25), { atol: 1e-6 });
    tf.dispose([x, y]);
    await tf.setBackend('cpu');
  });

  it('leaks no tensor over a forward + backward', async () => {
    await tf.setBackend('wasm');
    const x = new Rng(3).normal([2, 8, 8, 16]);
    const g = tf.ones([16]);
    const b = tf.zeros([16]);
    await expectNoLeak(() => {
      const [dx] = tf.grads((a: tf.Tensor) => tf.sum(groupNormSilu(a, g, b, 4)))([x]);
      dx.dispose();
    });
    await expectNoLeak(() => {
      groupNorm(x, g, b, 4).dispose(); // forward only: the saved statistics must not outlive it
    });
    tf.dispose([x, g, b]);
    await tf.setBackend('cpu');
  });
});
