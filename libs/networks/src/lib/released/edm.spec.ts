import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSongUNet, readEdmFile, songUNetKeyMapping, songUNetToUNet, edmPrecondConfig, type EdmPrecondConfig } from './edm.js';
import type { WeightChoice } from './score-sde.js';
import { countParams } from '../build-network.js';
import { preset } from '../presets.js';

// Parity with EDM's SongUNet behind EDMPrecond (NVlabs/edm) and PFGM++'s copy (Newbeeer/pfgmpp): fixtures made by
// libs/networks/fixtures-gen/released/generate.py, which runs the official code.

interface Json { shape: number[]; data: number[] }
interface Outputs { F: Json; D: Json; c_noise: Json; c_in: Json }
interface Expected {
  input: Json;
  sigma: Json;
  labels: Json | null;
  ema: Outputs;
  raw?: Outputs;
  numParams: number;
  interface: { D?: number; pfgmpp?: boolean; label_dim: number };
}

const FIXTURES = {
  'pfgmpp-ncsnpp': 'training-state-000001.pt',
  'edm-ddpmpp-cond': 'network-snapshot-000001.pkl',
} as const;
type Name = keyof typeof FIXTURES;
const dir = new URL('../fixtures/released/', import.meta.url);
const file = (name: Name): Uint8Array => new Uint8Array(readFileSync(new URL(`${name}/${FIXTURES[name]}`, dir)));
const expected = (name: Name): Expected => JSON.parse(readFileSync(new URL(`${name}/expected.json`, dir), 'utf8')) as Expected;

const must = <T>(v: T | null): T => {
  if (v === null) throw new Error('fixture without the expected network');
  return v;
};
const nhwc = (t: Json): tf.Tensor4D => tf.tidy(() => tf.transpose(tf.tensor4d(t.data, t.shape as [number, number, number, number]), [0, 2, 3, 1]));

function relError(ours: ArrayLike<number>, official: ArrayLike<number>): number {
  expect(ours.length).toBe(official.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < ours.length; i++) {
    err = Math.max(err, Math.abs(ours[i] - official[i]));
    scale = Math.max(scale, Math.abs(official[i]));
  }
  return err / scale;
}

/**
 * Our SongUNet on the fixture's inputs, wrapped as EDMPrecond does (Karras et al. 2022, Table 1): F at
 * (c_in·x, c_noise = ln σ / 4), then D = c_skip·x + c_out·F. Returns both errors against the official outputs.
 */
function forwardErrors(name: Name, weights: WeightChoice, edit?: (c: EdmPrecondConfig) => void): { F: number; D: number } {
  const e = expected(name);
  const f = readEdmFile(file(name), name);
  let config: EdmPrecondConfig | undefined;
  if (edit) {
    config = edmPrecondConfig(must(f.ema), name);
    edit(config);
  }
  const { network, precond } = loadSongUNet(f, { weights, where: name, config });
  try {
    return tf.tidy(() => {
      const x = nhwc(e.input);
      const sigma = tf.tensor1d(e.sigma.data);
      const sd = precond.sigma_data;
      const s = tf.reshape(sigma, [-1, 1, 1, 1]);
      const cIn = tf.rsqrt(tf.add(tf.square(s), sd * sd));
      const cSkip = tf.div(sd * sd, tf.add(tf.square(s), sd * sd));
      const cOut = tf.mul(tf.mul(s, sd), cIn);
      const cNoise = tf.div(tf.log(sigma), 4) as tf.Tensor1D;
      const labels = e.labels === null ? undefined : tf.tensor2d(e.labels.data, e.labels.shape as [number, number]);
      const F = network.apply(tf.mul(cIn, x), cNoise, false, labels);
      const D = tf.add(tf.mul(cSkip, x), tf.mul(cOut, F));
      const official = e[weights] as Outputs;
      return { F: relError(F.dataSync(), nhwc(official.F).dataSync()), D: relError(D.dataSync(), nhwc(official.D).dataSync()) };
    });
  } finally {
    network.dispose();
  }
}

describe('EDM SongUNet released checkpoints (EDM network-snapshot, PFGM++ training-state)', () => {
  it.each([
    ['pfgmpp-ncsnpp', 'ema'],
    ['pfgmpp-ncsnpp', 'raw'],
    ['edm-ddpmpp-cond', 'ema'],
  ] as const)('%s (%s weights): F and EDMPrecond D equal the official ones (max rel. error ≤ 1e-4)', async (name, weights) => {
    const err = await expectNoLeak(() => forwardErrors(name, weights));
    console.info(`[parity] ${name} ${weights}: F ${err.F.toExponential(2)}, D ${err.D.toExponential(2)} (max |ours − official| / max |official|)`);
    expect(err.F).toBeLessThanOrEqual(1e-4);
    expect(err.D).toBeLessThanOrEqual(1e-4);
  });

  it('reads the architecture, D and the class count from the file itself', () => {
    const pfgmpp = edmPrecondConfig(must(readEdmFile(file('pfgmpp-ncsnpp')).ema), 'f');
    expect(pfgmpp).toMatchObject({ pfgmpp: true, D: 128, pfgmppRecorded: true, label_dim: 0, sigma_data: 0.5, model_type: 'SongUNet' });
    expect(pfgmpp.model).toMatchObject({ embedding_type: 'fourier', encoder_type: 'residual', resample_filter: [1, 3, 3, 1], channel_mult_noise: 2 });
    const edm = edmPrecondConfig(must(readEdmFile(file('edm-ddpmpp-cond')).ema), 'f');
    expect(edm).toMatchObject({ pfgmpp: false, D: null, pfgmppRecorded: false, label_dim: 10 }); // NVlabs/edm's EDMPrecond: no PFGM++ record
    expect(edm.model).toMatchObject({ embedding_type: 'positional', encoder_type: 'standard', resample_filter: [1, 1], augment_dim: 9 });
    expect(readEdmFile(file('pfgmpp-ncsnpp')).step).toBe(1000);
  });

  it('has the official parameter count (map_augment, unused at sampling, aside)', () => {
    for (const name of Object.keys(FIXTURES) as Name[]) {
      const c = edmPrecondConfig(must(readEdmFile(file(name)).ema), name);
      const { config, io } = songUNetToUNet(c);
      const keys = new Map(songUNetKeyMapping(config, io).map((m) => [m.official, m.shape])); // q, k, v share qkv
      const ours = [...keys.values()].reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
      const fourier = c.model.embedding_type === 'fourier' ? c.model.model_channels : 0; // map_noise.freqs is a buffer there
      expect(ours - fourier + c.model.augment_dim * c.model.model_channels * c.model.channel_mult_noise, name).toBe(expected(name).numParams);
    }
  });

  it.each([
    ['pfgmpp-ncsnpp', 'resample_filter [1, 1]', (c: EdmPrecondConfig): void => void (c.model.resample_filter = [1, 1])],
    ['edm-ddpmpp-cond', 'resample_filter [1, 3, 3, 1]', (c: EdmPrecondConfig): void => void (c.model.resample_filter = [1, 3, 3, 1])],
  ] as const)('%s with %s is refused by its resample_filter buffers', (name, _what, edit) => {
    expect(() => forwardErrors(name, 'ema', edit)).toThrow(/resample_filter\b.* is not the \[[\d, ]+\] filter of the configuration \(resample_filter mismatch\)$/);
  });

  it('fails the comparison when an option flips (class labels dropped, FIR kernel wrong)', () => {
    // Without labels EDMPrecond feeds zeros: a different function.
    const e = expected('edm-ddpmpp-cond');
    const { network } = loadSongUNet(file('edm-ddpmpp-cond'));
    const err = tf.tidy(() => {
      const x = nhwc(e.input);
      const sigma = tf.tensor1d(e.sigma.data);
      const cIn = tf.reshape(tf.rsqrt(tf.add(tf.square(sigma), 0.25)), [-1, 1, 1, 1]);
      const F = network.apply(tf.mul(cIn, x), tf.div(tf.log(sigma), 4) as tf.Tensor1D);
      return relError(F.dataSync(), nhwc(e.ema.F).dataSync());
    });
    network.dispose();
    expect(err).toBeGreaterThan(1e-3); // ≥ 10× the parity tolerance
    // The NCSN++ net with the [1, 3, 3, 1] filter replaced by [1, 1] in the blocks (buffers bypassed): fails.
    const f = readEdmFile(file('pfgmpp-ncsnpp'));
    const config = edmPrecondConfig(must(f.ema), 'f');
    config.model.resample_filter = [1, 1];
    const stripped = { ...f, ema: stripFilters(f.ema) };
    const { network: wrong } = loadSongUNet(stripped, { config });
    const e2 = expected('pfgmpp-ncsnpp');
    const err2 = tf.tidy(() => {
      const sigma = tf.tensor1d(e2.sigma.data);
      const cIn = tf.reshape(tf.rsqrt(tf.add(tf.square(sigma), 0.25)), [-1, 1, 1, 1]);
      return relError(wrong.apply(tf.mul(cIn, nhwc(e2.input)), tf.div(tf.log(sigma), 4) as tf.Tensor1D).dataSync(), nhwc(e2.ema.F).dataSync());
    });
    wrong.dispose();
    expect(err2).toBeGreaterThan(1e-3);
  });

  it('names the first missing / extra / misshaped key when the file does not match the configuration', () => {
    const f = readEdmFile(file('pfgmpp-ncsnpp'));
    const ddpmpp = edmPrecondConfig(must(readEdmFile(file('edm-ddpmpp-cond')).ema), 'edm');
    expect(() => loadSongUNet(f, { config: ddpmpp, where: 'pfgmpp.pt' })).toThrow(
      /^pfgmpp\.pt: not a SongUNet for ddpmpp .*: missing key 'model\.map_label\.weight' \[4, 10\] \(\+1 more\); extra key 'model\.map_noise\.freqs' \[4\] \(\+2 more\); key 'model\.map_layer0\.weight' is \[16, 8\], expected \[16, 4\]$/,
    );
  });

  it('gives one-line errors for raw weights of a snapshot, truncated and foreign files', () => {
    expect(() => loadSongUNet(file('edm-ddpmpp-cond'), { weights: 'raw', where: 's.pkl' })).toThrow(/^s\.pkl: this network-snapshot holds only the EMA network; load weights: 'ema'$/);
    const pkl = file('edm-ddpmpp-cond');
    expect(() => readEdmFile(pkl.subarray(0, pkl.length - 5000), 't.pkl')).toThrow(/^t\.pkl: /);
    const pt = file('pfgmpp-ncsnpp');
    expect(() => readEdmFile(pt.subarray(0, pt.length - 5000), 't.pt')).toThrow(/^t\.pt: corrupt or truncated PyTorch zip checkpoint/);
    expect(() => readEdmFile(new TextEncoder().encode('<html>'), 'h.pkl')).toThrow(/^h\.pkl: not a pickle file/);
    const sd = new Uint8Array(readFileSync(new URL('score-sde-ddpmpp/checkpoint_1.pth', dir)));
    expect(() => readEdmFile(sd, 'c.pth')).toThrow(/^c\.pth: not an EDM \/ PFGM\+\+ training state: expected a dict with a persistent 'ema' \(or 'net'\) network, found optimizer, model, ema, step$/);
  });

  it("loads EDM's own training-state layout (dict(net, optimizer_state): raw weights only)", () => {
    const snapshot = readEdmFile(file('edm-ddpmpp-cond'));
    const state = { kind: 'training-state' as const, ema: null, net: snapshot.ema, step: null };
    const { network } = loadSongUNet(state, { weights: 'raw' });
    network.dispose();
    expect(() => loadSongUNet(state, { where: 't.pt' })).toThrow(/^t\.pt: this training-state holds only the raw network; load weights: 'raw'$/);
  });
});

/** A copy of a pickled module tree without its `resample_filter` buffers (to load it under another kernel). */
function stripFilters<T>(node: T): T {
  if (node instanceof Map) return new Map([...node].filter(([k]) => k !== 'resample_filter').map(([k, v]) => [k, stripFilters(v)])) as T;
  if (typeof node === 'object' && node !== null && 'state' in node && 'className' in node) {
    return Object.assign(Object.create(Object.getPrototypeOf(node)), node, { state: stripFilters((node as { state: unknown }).state) });
  }
  if (typeof node === 'object' && node !== null && '_modules' in node) {
    return Object.assign(Object.create(Object.getPrototypeOf(node)), Object.fromEntries(Object.entries(node).map(([k, v]) => [k, stripFilters(v)])));
  }
  return node;
}

describe('EDM SongUNet presets', () => {
  // Official counts: sum(p.numel() for p in EDMPrecond(img_resolution=32, img_channels=3, model_type='SongUNet',
  // channel_mult=[2,2,2], model_channels=128, dropout=0.13, **arch).parameters()) with NVlabs/edm@008a4e5
  // (train.py's --arch kwargs, augment_dim 0): ncsnpp 56 395 523, ddpmpp 55 732 739. EDM keeps the Fourier
  // frequencies as a buffer; our fixed Fourier W (128 values) is counted as a weight.
  it.each([
    ['ncsnpp-edm', 56_395_523 + 128],
    ['ddpmpp-edm', 55_732_739],
  ] as const)('%s has the official parameter count', (name, count) => {
    expect(countParams(preset(name), { inShape: [32, 32, 3], outShape: [32, 32, 3] })).toBe(count);
  });
});
