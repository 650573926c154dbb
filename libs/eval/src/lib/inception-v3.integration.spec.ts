// Parity of the TF.js FID Inception-v3 with the PyTorch port (fixtures/make_inception_fixture.py) on regenerated
// synthetic weights, both preprocessing modes. Runs on wasm (the full net is ~6 GFLOP per image).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { disposeInceptionParams, inceptionParamsFromStateDict, type InceptionParams } from './inception-params.js';
import { preprocessForInception, type InceptionMode } from './inception-preprocess.js';
import { inceptionV3 } from './inception-v3.js';
import { readNpz } from './npz.js';
import { counterUniform, syntheticInceptionStateDict } from './synthetic-inception-weights.js';

const fixture = readNpz(new Uint8Array(readFileSync(new URL('../../fixtures/inception-parity.npz', import.meta.url))));

/** The fixture's input images: k = 0, 1 at 32×32 and k = 2 at 24×40, pixel = floor(256·u(1000+k, i)) in HWC order. */
function testImage(k: number, H: number, W: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(counterUniform(1000 + k, H * W * 3), (u) => Math.floor(256 * u)), [1, H, W, 3]);
}

/** max |a − b| / (|b| + rms(b)): relative error, with entries near 0 (ReLU features) judged on the vector's scale. */
function relError(a: Float32Array, b: ArrayLike<number>): number {
  let ss = 0;
  for (let i = 0; i < b.length; i++) ss += b[i] * b[i];
  const rms = Math.sqrt(ss / b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + rms));
  return worst;
}

describe('FID Inception-v3 parity with PyTorch (synthetic weights)', () => {
  let params: InceptionParams;
  let prevBackend: string;
  beforeAll(async () => {
    prevBackend = tf.getBackend();
    await tf.setBackend('wasm');
    params = inceptionParamsFromStateDict(syntheticInceptionStateDict());
  }, 60_000);
  afterAll(async () => {
    disposeInceptionParams(params);
    await tf.setBackend(prevBackend);
  });

  const run = (mode: InceptionMode) => {
    const pools: Float32Array[] = [];
    const logits: Float32Array[] = [];
    const batches = [tf.tidy(() => tf.concat4d([testImage(0, 32, 32), testImage(1, 32, 32)], 0)), testImage(2, 24, 40)];
    for (const imgs of batches) {
      const x = preprocessForInception(imgs, mode);
      const out = inceptionV3(params, x);
      pools.push(out.pool.dataSync() as Float32Array);
      logits.push(out.logits.dataSync() as Float32Array);
      tf.dispose([imgs, x, out.pool, out.logits]);
    }
    const join = (xs: Float32Array[]) => Float32Array.from(xs.flatMap((a) => Array.from(a)));
    return { pool: join(pools), logits: join(logits) };
  };

  const results = new Map<InceptionMode, { pool: Float32Array; logits: Float32Array }>();
  it.each([
    ['legacy-tf', 'legacy_tf'],
    ['pytorch-fid', 'pytorch_fid'],
  ] as const)('matches pool3 and logits to 1e-4 relative in %s mode', async (mode, key) => {
    const got = await expectNoLeak(() => run(mode));
    results.set(mode, got);
    const refPool = fixture[`${key}_pool`];
    const refLogits = fixture[`${key}_logits`];
    expect(refPool.shape).toEqual([3, 2048]);
    expect(refLogits.shape).toEqual([3, 1008]);
    const ep = relError(got.pool, refPool.data);
    const el = relError(got.logits, refLogits.data);
    console.log(`${mode}: worst relative error pool3 ${ep.toExponential(2)}, logits ${el.toExponential(2)}`);
    expect(ep).toBeLessThanOrEqual(1e-4);
    expect(el).toBeLessThanOrEqual(1e-4);
  }, 60_000);

  it('the two modes really differ (the test sees the resize convention)', () => {
    const a = results.get('legacy-tf');
    const b = results.get('pytorch-fid');
    if (!a || !b) throw new Error('run the parity tests first');
    expect(relError(a.pool, b.pool)).toBeGreaterThan(1e-2); // measured ≈ 8e-2
  });
});
