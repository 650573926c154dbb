import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@pfgm/tensor';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { gaussianStats } from '../gaussian-stats.js';
import { writeSafetensors } from '../safetensors.js';
import type { StateDict } from '../state-dict.js';
import { fdFmnist, fdFmnistFeatures, fdFmnistStats } from './fd-fmnist.js';
import { fmnistClassifierForward } from './fmnist-classifier-forward.js';
import { FMNIST_CLASSIFIER_LAYOUT, fmnistParamsFromStateDict, disposeFmnistParams } from './fmnist-classifier-params.js';
import { FD_FMNIST_FIXTURE_DIR, FD_FMNIST_RECORD_FILE, fdFmnistClassifierAccuracy, fmnistClassifierRecord } from './fmnist-classifier-record.js';
import { FmnistClassifier } from './fmnist-classifier.js';
import { fmnistInput } from './fmnist-input.js';

/** Seeded He-scaled random weights in the classifier layout (biases small, non-zero). */
function randomStateDict(seed: number): StateDict {
  const sd: StateDict = new Map();
  FMNIST_CLASSIFIER_LAYOUT.forEach(([name, shape], k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const scale = shape.length === 1 ? 0.1 : Math.sqrt(2 / (n / shape[shape.length - 1]));
    sd.set(name, { shape: [...shape], data: Float32Array.from(new Rng(seed, [k]).normalArray(n), (z) => z * scale) });
  });
  return sd;
}

/** Images on the 8-bit grid p/127.5 − 1, [B, 28, 28, 1]. */
function gridImages(B: number, seed: number): Float32Array {
  return Float32Array.from(new Rng(seed).uniformArray(B * 784), (u) => Math.floor(256 * u) / 127.5 - 1);
}

/** float64 reference of the documented network: conv3×3 same + ReLU, maxpool 2, conv, maxpool, flatten (h, w, c), dense + ReLU, dense. */
function referenceForward(sd: StateDict, x: Float32Array, B: number): { features: Float64Array; logits: Float64Array } {
  const w = (n: string) => (sd.get(n) as { data: Float32Array; shape: number[] });
  const conv = (inp: Float64Array, H: number, Cin: number, name: string): Float64Array => {
    const { data: K, shape } = w(`${name}.weight`);
    const Cout = shape[3];
    const bias = w(`${name}.bias`).data;
    const out = new Float64Array(H * H * Cout);
    for (let i = 0; i < H; i++)
      for (let j = 0; j < H; j++)
        for (let o = 0; o < Cout; o++) {
          let s = bias[o];
          for (let di = 0; di < 3; di++)
            for (let dj = 0; dj < 3; dj++) {
              const ii = i + di - 1;
              const jj = j + dj - 1;
              if (ii < 0 || jj < 0 || ii >= H || jj >= H) continue;
              for (let c = 0; c < Cin; c++) s += inp[(ii * H + jj) * Cin + c] * K[((di * 3 + dj) * Cin + c) * Cout + o];
            }
          out[(i * H + j) * Cout + o] = Math.max(s, 0);
        }
    return out;
  };
  const pool = (inp: Float64Array, H: number, C: number): Float64Array => {
    const h = H / 2;
    const out = new Float64Array(h * h * C);
    for (let i = 0; i < h; i++)
      for (let j = 0; j < h; j++)
        for (let c = 0; c < C; c++) {
          const at = (a: number, b: number) => inp[((2 * i + a) * H + 2 * j + b) * C + c];
          out[(i * h + j) * C + c] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
        }
    return out;
  };
  const dense = (inp: Float64Array, name: string, relu: boolean): Float64Array => {
    const { data: W, shape } = w(`${name}.weight`);
    const b = w(`${name}.bias`).data;
    const [nIn, nOut] = shape;
    return Float64Array.from({ length: nOut }, (_, o) => {
      let s = b[o];
      for (let i = 0; i < nIn; i++) s += inp[i] * W[i * nOut + o];
      return relu ? Math.max(s, 0) : s;
    });
  };
  const C1 = w('conv1.bias').data.length;
  const C2 = w('conv2.bias').data.length;
  const features = new Float64Array(B * 128);
  const logits = new Float64Array(B * 10);
  for (let b = 0; b < B; b++) {
    const img = Float64Array.from(x.subarray(b * 784, (b + 1) * 784));
    const h = pool(conv(pool(conv(img, 28, 1, 'conv1'), 28, C1), 14, C1, 'conv2'), 14, C2);
    const f = dense(h, 'dense1', true);
    features.set(f, b * 128);
    logits.set(dense(f, 'dense2', false), b * 10);
  }
  return { features, logits };
}

describe('fmnistInput', () => {
  it('undoes zero padding 28 → 32 and grey → RGB exactly, and keeps 28×28×1 grid images', async () => {
    const x = gridImages(3, 1);
    const grey = tf.tensor4d(x, [3, 28, 28, 1]);
    const padded = tf.tidy(() => tf.tile(tf.pad(grey, [[0, 0], [2, 2], [2, 2], [0, 0]], -1), [1, 1, 1, 3])); // as @pfgm/data size 32, channels 3
    await expectNoLeak(() => {
      for (const imgs of [grey, padded]) {
        const y = fmnistInput(imgs);
        expect(y.shape).toEqual([3, 28, 28, 1]);
        expectClose(y, x, { rtol: 0, atol: 1e-6 });
        y.dispose();
      }
    });
    tf.dispose([grey, padded]);
  });

  it('clips to [−1, 1] and rounds to the 8-bit grid', () => {
    const v = [1.3, -1.7, 0.001, 0.5, -0.2];
    const imgs = tf.tensor4d(Float32Array.from({ length: 784 }, (_, i) => v[i % v.length]), [1, 28, 28, 1]);
    const y = fmnistInput(imgs).dataSync();
    const expected = v.map((a) => Math.round((Math.min(Math.max(a, -1), 1) + 1) * 127.5) / 127.5 - 1);
    expectClose(Array.from(y.slice(0, 5)), expected, { rtol: 0, atol: 1e-6 });
    imgs.dispose();
  });

  it('refuses other shapes, 0..255 pixels and NaN with a clear message', () => {
    const cases: Array<[tf.Tensor, RegExp]> = [
      [tf.zeros([2, 28, 28]), /expected \[B, 28, 28, 1\|3\] or \[B, 32, 32, 1\|3\]/],
      [tf.zeros([2, 64, 64, 3]), /shape \[2, 64, 64, 3\]/],
      [tf.fill([1, 28, 28, 1], 255), /reach 255; expected \[−1, 1\].*p\/127\.5 − 1/],
      [tf.fill([1, 28, 28, 1], NaN), /contain NaN/],
    ];
    for (const [t, msg] of cases) {
      expect(() => fmnistInput(t)).toThrow(msg);
      t.dispose();
    }
  });
});

describe('FD-FMNIST classifier forward', () => {
  it('matches a float64 reference of the documented architecture, without leaks', async () => {
    const sd = randomStateDict(7);
    const x = gridImages(2, 2);
    const ref = referenceForward(sd, x, 2);
    const params = fmnistParamsFromStateDict(sd);
    const images = tf.tensor4d(x, [2, 28, 28, 1]);
    await expectNoLeak(() => {
      const out = fmnistClassifierForward(params, images);
      expect(out.features.shape).toEqual([2, 128]);
      expect(out.logits.shape).toEqual([2, 10]);
      expectClose(out.features, ref.features, { rtol: 1e-4, atol: 1e-4 });
      expectClose(out.logits, ref.logits, { rtol: 1e-4, atol: 1e-4 });
      tf.dispose([out.features, out.logits]);
    });
    images.dispose();
    disposeFmnistParams(params);
  });

  it('rejects a state dict with a missing, extra or mis-shaped tensor', () => {
    const missing = randomStateDict(1);
    missing.delete('conv2.bias');
    expect(() => FmnistClassifier.fromStateDict(missing)).toThrow(/missing tensor 'conv2.bias'/);
    const extra = randomStateDict(1);
    extra.set('fc.weight', { shape: [1], data: new Float32Array(1) });
    expect(() => FmnistClassifier.fromStateDict(extra)).toThrow(/unexpected tensor\(s\) fc.weight/);
    const shaped = randomStateDict(1);
    shaped.set('dense2.bias', { shape: [1000], data: new Float32Array(1000) });
    expect(() => FmnistClassifier.fromStateDict(shaped)).toThrow(/'dense2.bias' has shape \[1000\], expected \[10\]/);
  });
});

describe('FD-FMNIST statistics and distance', () => {
  const classifier = FmnistClassifier.fromStateDict(randomStateDict(3));
  afterAll(() => classifier.dispose());

  it('streams batches of any size into the same float64 statistics as all features at once, without leaks', async () => {
    const B = 150;
    const x = gridImages(B, 4);
    const all = tf.tensor4d(x, [B, 28, 28, 1]);
    const f = fdFmnistFeatures(classifier, all);
    const direct = gaussianStats(f.dataSync(), 128);
    tf.dispose([all, f]);
    const sizes = [1, 64, 85];
    const stats = await expectNoLeak(() => {
      let first = 0;
      const gen = sizes.map((n) => {
        const t = tf.tensor4d(x.subarray(first * 784, (first + n) * 784), [n, 28, 28, 1]);
        first += n;
        return t;
      });
      return fdFmnistStats(gen, classifier);
    });
    expect(stats.n).toBe(B);
    expectClose(stats.mu, direct.mu, { rtol: 1e-9, atol: 1e-9 });
    expectClose(stats.sigma, direct.sigma, { rtol: 1e-9, atol: 1e-9 });
    expect(fdFmnist(stats, stats)).toBeCloseTo(0, 6);
    expect(fdFmnist(stats, direct)).toBeCloseTo(0, 6);
  });

  it('needs more images than feature dimensions, and 128-d statistics', async () => {
    await expect(fdFmnistStats([tf.zeros([100, 28, 28, 1])], classifier)).rejects.toThrow(/got 100 image\(s\); FD-FMNIST needs more than 128/);
    const inception = { n: 3000, mu: new Float64Array(2048), sigma: new Float64Array(2048 * 2048) };
    const ours = { n: 3000, mu: new Float64Array(128), sigma: new Float64Array(128 * 128) };
    expect(() => fdFmnist(inception, ours)).toThrow(/128-dimensional .* not Inception's 2048/);
  });

  it('is ‖μ1 − μ2‖² for equal covariances (Fréchet distance of Gaussians)', () => {
    const rng = new Rng(5);
    const feats = Float64Array.from(rng.normalArray(300 * 128), (z) => Math.abs(z));
    const a = gaussianStats(feats, 128);
    const shift = Float64Array.from(rng.normalArray(128));
    const b = { ...a, mu: a.mu.map((m, i) => m + shift[i]) };
    const expected = shift.reduce((s, d) => s + d * d, 0);
    expect(fdFmnist(a, b)).toBeCloseTo(expected, 6);
  });
});

describe('FD-FMNIST classifier files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fd-fmnist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const committedWeights = () => readFileSync(path.join(FD_FMNIST_FIXTURE_DIR, 'classifier.safetensors'));
  const writeRecord = (name: string, sha: string) => {
    const rec = { ...JSON.parse(readFileSync(path.join(FD_FMNIST_FIXTURE_DIR, FD_FMNIST_RECORD_FILE), 'utf8')), weightsSha256: sha };
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(rec));
    return file;
  };

  it('loads the committed classifier; its reported accuracy comes from the training record', () => {
    const raw = JSON.parse(readFileSync(path.join(FD_FMNIST_FIXTURE_DIR, FD_FMNIST_RECORD_FILE), 'utf8'));
    expect(fdFmnistClassifierAccuracy()).toBe(raw.testAccuracy);
    expect(fdFmnistClassifierAccuracy()).toBeGreaterThanOrEqual(0.9);
    const c = FmnistClassifier.load();
    expect(c.testAccuracy).toBe(raw.testAccuracy);
    expect(c.record?.weightsSha256).toBe(createHash('sha256').update(committedWeights()).digest('hex'));
    c.dispose();
  });

  it('says what to do when the weights file is missing', () => {
    expect(() => FmnistClassifier.load({ weights: path.join(dir, 'nope.safetensors') })).toThrow(
      /cannot read the classifier weights .*nope\.safetensors .*restore libs\/eval\/fixtures\/fd-fmnist\/ from git or retrain with `npx nx run experiments:train-fd-fmnist`/,
    );
  });

  it('detects corrupt and truncated weights', () => {
    const bytes = new Uint8Array(committedWeights());
    bytes[bytes.length - 5] ^= 0xff;
    const corrupt = path.join(dir, 'corrupt.safetensors');
    writeFileSync(corrupt, bytes);
    expect(() => FmnistClassifier.load({ weights: corrupt })).toThrow(/have SHA-256 [0-9a-f]{64}, but the training record expects [0-9a-f]{64} \(corrupt, truncated/);
    // A truncated file whose record matches it (e.g. both edited by hand) still fails clearly in the parser.
    const truncatedBytes = committedWeights().subarray(0, 4000);
    const truncated = path.join(dir, 'truncated.safetensors');
    writeFileSync(truncated, truncatedBytes);
    const record = writeRecord('truncated.json', createHash('sha256').update(truncatedBytes).digest('hex'));
    expect(() => FmnistClassifier.load({ weights: truncated, record })).toThrow(/truncated safetensors file/);
  });

  it('rejects a weights file with the wrong tensors, and a missing or malformed record', () => {
    const sd = randomStateDict(1);
    sd.delete('dense1.weight');
    const bytes = writeSafetensors(sd);
    const wrong = path.join(dir, 'wrong.safetensors');
    writeFileSync(wrong, bytes);
    const record = writeRecord('wrong.json', createHash('sha256').update(bytes).digest('hex'));
    expect(() => FmnistClassifier.load({ weights: wrong, record })).toThrow(/wrong\.safetensors: missing tensor 'dense1.weight'/);
    expect(() => fmnistClassifierRecord(path.join(dir, 'none.json'))).toThrow(/cannot read the classifier's training record .*none\.json/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"seed": 0,');
    expect(() => fmnistClassifierRecord(bad)).toThrow(/bad\.json is not valid JSON/);
    const partial = path.join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ seed: 0, epochs: 1, wallSeconds: 1 }));
    expect(() => fmnistClassifierRecord(partial)).toThrow(/lacks or has malformed field\(s\) testAccuracy, weightsSha256/);
  });
});
