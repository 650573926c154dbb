import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '../gradients.js';
import { useWasm } from './parity-test-utils.js';

beforeAll(async () => {
  await useWasm();
});

describe('wasm Identity (tf.clone) shares the data', () => {
  it('a clone has the same values, allocates no buffer, and outlives the original', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    expect(y.shape).toEqual([2, 2]);
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
  });

  it('custom-gradient ops that save their inputs give the same gradients and leak nothing', async () => {
    await tf.setBackend('wasm');
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [a, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([a]);
      return { value: tf.square(a), gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(s, 2)) };
    }) as (a: tf.Tensor) => tf.Tensor;
    const a = tf.tensor([1, -2, 3]);
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) => tf.sum(f(t)))(a);
    expect(Array.from(await g.data())).toEqual([2, -4, 6]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });

  it('a variable assigned a clone keeps its value when the source is disposed', async () => {
    await tf.setBackend('wasm');
    const w = tf.tensor([5, 6]);
    const v = tf.variable(tf.clone(w));
    w.dispose();
    v.assign(tf.add(v, 1));
    expect(Array.from(await v.data())).toEqual([6, 7]);
    v.dispose();
  });
});
