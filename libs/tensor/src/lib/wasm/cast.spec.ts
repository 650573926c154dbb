// Cast on wasm: same-dtype casts share the data (no copy), casts to bool follow tfjs' x ≠ 0, the rest keep the stock
// kernel; values against the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '../gradients.js';
import { useWasm } from './parity-test-utils.js';

beforeAll(async () => {
  await useWasm();
});

describe('wasm Cast to the same dtype shares the data', () => {
  it.each((['float32', 'int32', 'bool'] as const).map((dtype) => ({ dtype })))('$dtype → $dtype: same values, no new buffer, outlives the original', async ({ dtype }) => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1, 0, 3, 4], [2, 2], dtype);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.cast(x, dtype);
    expect(tf.memory().numDataBuffers).toBe(buffers);
    x.dispose();
    expect(y.dtype).toBe(dtype);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(await y.data())).toEqual(dtype === 'bool' ? [1, 0, 1, 1] : [1, 0, 3, 4]);
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
  });

  it('casts between dtypes match cpu (to bool: x ≠ 0, NaN included)', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const f = tf.tensor([1.7, -2.2, 0, 3.5, NaN]);
      const i = tf.tensor([3, 0, -1, 2, 256], [5], 'int32');
      const b = tf.tensor([1, 0, 1, 1, 0], [5], 'bool');
      const outs = [tf.cast(f, 'int32'), tf.cast(i, 'float32'), tf.cast(i, 'bool'), tf.cast(f, 'bool'), tf.cast(b, 'float32'), tf.cast(b, 'int32')];
      const values = outs.map((t) => ({ dtype: t.dtype, values: Array.from(t.dataSync()) }));
      tf.dispose([f, i, b, ...outs]);
      return values;
    };
    const wasm = await run('wasm');
    expect(wasm).toEqual(await run('cpu'));
  });

  it('avgPool (which casts its result to the input dtype) leaks nothing and keeps its value', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const before = tf.memory().numTensors;
    const y = tf.avgPool(x, 2, 1, 'valid');
    expect(Array.from(await y.data())).toEqual([2.5]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
