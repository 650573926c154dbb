import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../testing.js';
import { randn, useWasm, wasmAndCpu } from './parity-test-utils.js';
import { leadingAxesCount } from './sum-leading-axes.js';

const tol = { rtol: 1e-4, atol: 1e-4 };

beforeAll(async () => {
  await useWasm();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('leadingAxesCount', () => {
  it('accepts exactly the leading axes in any order and rejects the rest', () => {
    expect(leadingAxesCount([0, 1, 2], 4)).toBe(3);
    expect(leadingAxesCount([1, 0], 3)).toBe(2);
    expect(leadingAxesCount([0], 2)).toBe(1);
    expect(leadingAxesCount([1], 3)).toBe(0);
    expect(leadingAxesCount([0, 2], 3)).toBe(0);
    expect(leadingAxesCount([0, 1], 2)).toBe(0); // all axes: not a leading-axis reduction
    expect(leadingAxesCount([], 2)).toBe(0);
  });
});

const cases: Array<{ shape: number[]; axis: number | number[]; keepDims: boolean; what: string }> = [
  { shape: [16, 6, 6, 8], axis: [0, 1, 2], keepDims: false, what: 'conv bias gradient (matmul path)' },
  { shape: [16, 6, 6, 8], axis: [2, 0, 1], keepDims: true, what: 'unordered axes, keepDims (matmul path)' },
  { shape: [33, 7], axis: 0, keepDims: false, what: 'dense bias gradient (matmul path)' },
  { shape: [5, 4, 3], axis: [0], keepDims: false, what: 'first axis of rank 3 (matmul path)' },
  { shape: [5, 4, 3], axis: -1, keepDims: false, what: 'last axis (stock)' },
  { shape: [5, 4, 3], axis: [1], keepDims: true, what: 'middle axis (stock)' },
  { shape: [5, 4, 3], axis: [0, 1, 2], keepDims: false, what: 'all axes (stock)' },
  { shape: [1, 9], axis: 0, keepDims: false, what: 'R = 1 (stock)' },
  { shape: [9, 1], axis: 0, keepDims: false, what: 'C = 1 (stock)' },
];

describe('wasm Sum vs cpu', () => {
  it.each(cases.map((c, i) => ({ ...c, i })))('$what: $shape over $axis', async ({ shape, axis, keepDims, i }) => {
    const { wasm, cpu } = await wasmAndCpu([randn(shape, 800 + i)], (x) => tf.sum(x, axis, keepDims));
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    expectClose(wasm.values[0], cpu.values[0], tol);
  });

  it('int32 input stays on the stock kernel and is exact', async () => {
    const x = tf.tensor([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32');
    const s = tf.sum(x, 0);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([9, 12]);
    tf.dispose([x, s]);
  });

  it('releases its intermediates', () => {
    const x = tf.tensor(randn([8, 4, 4, 6], 1).values, [8, 4, 4, 6]);
    const dataIds = tf.engine().backend.numDataIds();
    tf.sum(x, [0, 1, 2]).dispose();
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    x.dispose();
  });
});
