import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../gradients.js';
import { expectClose } from '../../testing.js';
import { randn, useWasm, wasmAndCpu } from './parity-test-utils.js';

const tol = { rtol: 1e-4, atol: 1e-4 };

beforeAll(async () => {
  await useWasm();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  s: [number, number];
  pad: Pad;
}
const cases: Case[] = [
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, s: [1, 1], pad: 'same' },
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, s: [1, 1], pad: 'valid' },
  { x: [2, 9, 8, 3], k: [3, 3], co: 4, s: [1, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [3, 10, 11, 2], k: [3, 3], co: 5, s: [2, 2], pad: 'same' },
  { x: [3, 10, 11, 2], k: [3, 3], co: 5, s: [2, 2], pad: 'valid' },
  { x: [3, 10, 11, 2], k: [3, 3], co: 5, s: [2, 2], pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  { x: [1, 8, 8, 4], k: [1, 1], co: 6, s: [1, 1], pad: 'valid' },
  { x: [2, 8, 8, 3], k: [5, 5], co: 2, s: [2, 2], pad: 'same' },
  { x: [2, 7, 9, 3], k: [2, 3], co: 4, s: [1, 2], pad: 'same' },
  { x: [2, 6, 6, 2], k: [3, 3], co: 3, s: [3, 3], pad: 'valid' },
  // Padding beyond k − 1: the composed Conv2DBackpropInput would need negative pads and uses the stock kernel.
  { x: [1, 5, 5, 2], k: [3, 3], co: 2, s: [1, 1], pad: [[0, 0], [3, 3], [3, 3], [0, 0]] },
];

function outShape(c: Case): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.co], c.s, 1, c.pad);
  return info.outShape as [number, number, number, number];
}

const label = (c: Case) => `x ${c.x}, k ${c.k}→${c.co}, stride ${c.s}, pad ${JSON.stringify(c.pad)}`;

describe('wasm Conv2DBackpropFilter vs cpu', () => {
  it.each(cases.map((c, i) => ({ c, i, name: label(c) })))('$name', async ({ c, i }) => {
    const filterShape: [number, number, number, number] = [...c.k, c.x[3], c.co];
    const inputs = [randn(c.x, 10 + i), randn(outShape(c), 30 + i)];
    const { wasm, cpu } = await wasmAndCpu(inputs, (x, dy) =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape }) as tf.Tensor,
    );
    expect(wasm.shapes[0]).toEqual(filterShape);
    expectClose(wasm.values[0], cpu.values[0], tol);
  });
});

describe('wasm Conv2DBackpropInput vs cpu', () => {
  it.each(cases.map((c, i) => ({ c, i, name: label(c) })))('$name', async ({ c, i }) => {
    const inputs = [randn(outShape(c), 50 + i), randn([...c.k, c.x[3], c.co], 70 + i)];
    const { wasm, cpu } = await wasmAndCpu(inputs, (dy, w) =>
      tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }) as tf.Tensor,
    );
    expect(wasm.shapes[0]).toEqual(c.x);
    expectClose(wasm.values[0], cpu.values[0], tol);
  });
});

describe('conv2d gradients end to end', () => {
  it('tf.grads of a conv2d + bias loss match cpu (dx, dW, db)', async () => {
    const inputs = [randn([4, 8, 8, 3], 1), randn([3, 3, 3, 5], 2), randn([5], 3), randn([4, 4, 4, 5], 4)];
    const { wasm, cpu } = await wasmAndCpu(inputs, (x, w, b, t) =>
      tf.grads((x_: tf.Tensor, w_: tf.Tensor, b_: tf.Tensor) =>
        tf.sum(tf.mul(tf.add(tf.conv2d(x_ as tf.Tensor4D, w_ as tf.Tensor4D, 2, 'same'), b_), t)),
      )([x, w, b]),
    );
    for (let k = 0; k < 3; k++) expectClose(wasm.values[k], cpu.values[k], tol);
  });

  it('leaves no tensors behind', async () => {
    const x = tf.tensor(randn([2, 9, 9, 3], 5).values, [2, 9, 9, 3]) as tf.Tensor4D;
    const dy = tf.tensor(randn([2, 5, 5, 4], 6).values, [2, 5, 5, 4]) as tf.Tensor4D;
    const w = tf.tensor(randn([3, 3, 3, 4], 7).values, [3, 3, 3, 4]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds(); // catches intermediates a kernel forgot to release
    tf.dispose(tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }) as tf.Tensor);
    tf.dispose(tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 3] }) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    tf.dispose([x, dy, w]);
  });
});
