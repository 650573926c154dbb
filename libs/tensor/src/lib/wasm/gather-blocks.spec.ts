import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherBlocks, MIN_BLOCK } from './gather-blocks.js';
import { randn, useWasm, wasmAndCpu } from './parity-test-utils.js';

beforeAll(async () => {
  await useWasm();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('gatherBlocks', () => {
  it('copies x[o, indices[k], :] to out[o, k, :]', () => {
    const x = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i); // [2, 3, 2]
    const out = new Float32Array(2 * 4 * 2);
    gatherBlocks(x, out, Int32Array.from([2, 0, 2, 1]), 2, 3, 2);
    expect(Array.from(out)).toEqual([4, 5, 0, 1, 4, 5, 2, 3, 10, 11, 6, 7, 10, 11, 8, 9]);
  });
});

const cases: Array<{ shape: number[]; indices: number[] | number[][]; axis: number; what: string }> = [
  { shape: [40, 33], indices: [5, 0, 39, 5, 17], axis: 0, what: 'rows with repeats (block path)' },
  { shape: [40, 33], indices: [[1, 2], [3, 38]], axis: 0, what: '2-D indices (block path)' },
  { shape: [3, 7, 20], indices: [6, 0, 3], axis: 1, what: 'middle axis (block path)' },
  { shape: [3, 7, 20], indices: [6, 0], axis: -2, what: 'negative axis (block path)' },
  { shape: [40, 33], indices: [], axis: 0, what: 'no indices (block path)' },
  { shape: [9, MIN_BLOCK - 1], indices: [8, 1], axis: 0, what: 'short slices (stock)' },
  { shape: [5, 40], indices: [39, 0, 7], axis: 1, what: 'last axis (stock)' },
];

describe('wasm GatherV2 vs cpu', () => {
  it.each(cases)('$what: $shape, axis $axis', async ({ shape, indices, axis }) => {
    const { wasm, cpu } = await wasmAndCpu([randn(shape, 900 + shape.length)], (x) => tf.gather(x, tf.tensor(indices, undefined, 'int32'), axis));
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    expect(Array.from(wasm.values[0])).toEqual(Array.from(cpu.values[0])); // a gather copies: bit-exact
  });

  it('int32 values are gathered exactly; batchDims > 0 uses the stock kernel and agrees with cpu', async () => {
    const xi = tf.tensor2d(Array.from({ length: 4 * 20 }, (_, i) => i * 7 - 3), [4, 20], 'int32');
    const g = tf.gather(xi, [3, 1], 0);
    expect(g.dtype).toBe('int32');
    expect(Array.from(g.dataSync())).toEqual([...Array.from({ length: 20 }, (_, i) => (60 + i) * 7 - 3), ...Array.from({ length: 20 }, (_, i) => (20 + i) * 7 - 3)]);
    tf.dispose([xi, g]);
    const { wasm, cpu } = await wasmAndCpu([randn([2, 5, 18], 31)], (x) => tf.gather(x, tf.tensor2d([[4, 0], [1, 1]], [2, 2], 'int32'), 1, 1));
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    expect(Array.from(wasm.values[0])).toEqual(Array.from(cpu.values[0]));
  });

  it('an out-of-range index throws tfjs’s error', () => {
    const x = tf.zeros([4, 20]);
    expect(() => tf.gather(x, [4], 0)).toThrow(/index value 4 is not in \[0, 3\]/);
    expect(() => tf.gather(x, [-1], 0)).toThrow(/index value -1 is not in \[0, 3\]/);
    x.dispose();
  });

  it('releases nothing it should keep and keeps nothing it should release', () => {
    const x = tf.tensor(randn([30, 20], 2).values, [30, 20]);
    const dataIds = tf.engine().backend.numDataIds();
    tf.gather(x, [1, 2, 3], 0).dispose();
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    x.dispose();
  });
});
