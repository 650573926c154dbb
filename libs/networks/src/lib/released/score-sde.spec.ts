import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNcsnpp, ncsnppKeyMapping, ncsnppToUNet, readScoreSdeCheckpoint, type NcsnppConfig, type WeightChoice } from './score-sde.js';

// Parity with the official NCSN++ (score_sde_pytorch) and PFGM's variant (Poisson_flow): fixtures made by
// libs/networks/fixtures-gen/released/generate.py, which runs the official code (see its docstring).

interface Json { shape: number[]; data: number[] }
interface Expected {
  family: string;
  config: NcsnppConfig;
  input: Json;
  labels: Json;
  raw: { x: Json; z?: Json };
  ema: { x: Json; z?: Json };
  numParams: number;
}

const dir = new URL('../fixtures/released/', import.meta.url);
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`${name}/checkpoint_1.pth`, dir)));
const expected = (name: string): Expected => JSON.parse(readFileSync(new URL(`${name}/expected.json`, dir), 'utf8')) as Expected;
const FIXTURES = ['score-sde-ddpmpp', 'score-sde-ncsnpp-fir', 'poisson-flow-ddpmpp'] as const;

/** NCHW values → NHWC tensor. */
function nhwc(t: Json): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.tensor4d(t.data, t.shape as [number, number, number, number]), [0, 2, 3, 1]));
}

/** The official output in our layout: NHWC image, or PFGM's [B, N+1] (x-part flattened NHWC, then z). */
function officialOut(out: { x: Json; z?: Json }): Float32Array {
  return tf.tidy(() => {
    const x = nhwc(out.x);
    if (out.z === undefined) return x.dataSync() as Float32Array;
    return tf.concat([tf.reshape(x, [x.shape[0], -1]), tf.reshape(tf.tensor1d(out.z.data), [-1, 1])], 1).dataSync() as Float32Array;
  });
}

/** max |ours − official| / max |official|: the error relative to the output's scale. */
function relError(ours: Float32Array, official: Float32Array): number {
  expect(ours.length).toBe(official.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < ours.length; i++) {
    err = Math.max(err, Math.abs(ours[i] - official[i]));
    scale = Math.max(scale, Math.abs(official[i]));
  }
  return err / scale;
}

/** Loads fixture `name` (optionally with an edited official config), runs our forward, returns the error. */
function forwardError(name: string, weights: WeightChoice, edit: (c: NcsnppConfig) => void = () => undefined): number {
  const e = expected(name);
  const config = structuredClone(e.config);
  edit(config);
  const net = loadNcsnpp(file(name), config, { weights, where: name });
  try {
    const ours = tf.tidy(() => net.apply(nhwc(e.input), tf.tensor1d(e.labels.data)).dataSync() as Float32Array);
    return relError(ours, officialOut(e[weights]));
  } finally {
    net.dispose();
  }
}

describe('NCSN++ released checkpoints (score_sde, Poisson_flow)', () => {
  it.each(FIXTURES.flatMap((f) => (['ema', 'raw'] as const).map((w) => [f, w] as const)))(
    '%s (%s weights): forward equals the official one (max rel. error ≤ 1e-4)',
    async (name, weights) => {
      const err = await expectNoLeak(() => forwardError(name, weights));
      console.info(`[parity] ${name} ${weights}: max |ours − official| / max |official| = ${err.toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(1e-4);
    },
  );

  it('raw and EMA weights give different outputs (the choice is real)', () => {
    const e = expected('score-sde-ddpmpp');
    expect(relError(officialOut(e.raw), officialOut(e.ema))).toBeGreaterThan(1e-3);
  });

  it('has the official parameter count', () => {
    for (const name of FIXTURES) {
      const e = expected(name);
      const { config, io } = ncsnppToUNet(e.config);
      expect(ncsnppKeyMapping(config, io).reduce((n, m) => n + m.shape.reduce((a, b) => a * b, 1), 0), name).toBe(e.numParams);
    }
  });

  it.each([
    ['score-sde-ddpmpp', 'skip_rescale off', (c: NcsnppConfig) => void (c.model.skip_rescale = false)],
    ['score-sde-ddpmpp', 'fir on', (c: NcsnppConfig) => void (c.model.fir = true)],
    ['score-sde-ncsnpp-fir', 'fir off', (c: NcsnppConfig) => void (c.model.fir = false)],
    ['score-sde-ncsnpp-fir', 'fir kernel [1, 1]', (c: NcsnppConfig) => void (c.model.fir_kernel = [1, 1])],
    ['poisson-flow-ddpmpp', 'skip_rescale off', (c: NcsnppConfig) => void (c.model.skip_rescale = false)],
  ])('%s with %s fails the comparison', (name, _what, edit) => {
    const err = forwardError(name, 'ema', edit);
    expect(err).toBeGreaterThan(1e-2);
  });

  it('refuses options it does not implement, in one line', () => {
    expect(() => forwardError('score-sde-ddpmpp', 'ema', (c) => void (c.model.resblock_type = 'ddpm'))).toThrow(
      /^NCSN\+\+ config: model\.resblock_type = "ddpm" is not supported \(supported: 'biggan'\)$/,
    );
    expect(() => forwardError('score-sde-ddpmpp', 'ema', (c) => void (c.data.centered = false))).toThrow(/data\.centered = false is not supported/);
  });

  it('names the first missing / extra / misshaped key of a mismatched file in one line', () => {
    // Fourier fixture read as a positional config: module indices shift by one (the projection is all_modules.0).
    const shifted = () => loadNcsnpp(file('score-sde-ncsnpp-fir'), expected('score-sde-ddpmpp').config, { where: 'fir.pth' });
    expect(shifted).toThrow(
      /^fir\.pth: not a NCSN\+\+ checkpoint for nf 4, .*: missing key 'all_modules\.0\.weight' \[16, 4\] \(\+\d+ more\); extra key 'all_modules\.0\.W' \[4\] \(\+\d+ more\); key 'all_modules\.1\.weight' is \[16, 8\], expected \[16, 16\] \(\+\d+ more\)$/,
    );
    // PFGM's N+1-channel output read as a score model: one misshaped key, the last conv.
    const pfgm = () => loadNcsnpp(file('poisson-flow-ddpmpp'), expected('score-sde-ddpmpp').config, { where: 'pfgm.pth' });
    expect(pfgm).toThrow(/^pfgm\.pth: .*: key 'all_modules\.17\.weight' is \[4, 4, 3, 3\], expected \[3, 4, 3, 3\] \(\+1 more\)$/);
    // A deeper config than the file: missing blocks.
    const deeper = () => loadNcsnpp(file('score-sde-ddpmpp'), { ...expected('score-sde-ddpmpp').config, model: { ...expected('score-sde-ddpmpp').config.model, num_res_blocks: 2 } }, { where: 'd.pth' });
    expect(deeper).toThrow(/^d\.pth: .*missing key 'all_modules\.\d+\.\w+\.\w+' \[\d+(, \d+)*\] \(\+\d+ more\)/);
  });

  it('gives one-line errors for truncated and foreign files', () => {
    const bytes = file('score-sde-ddpmpp');
    const cfg = expected('score-sde-ddpmpp').config;
    expect(() => loadNcsnpp(bytes.subarray(0, bytes.length - 1000), cfg, { where: 't.pth' })).toThrow(/^t\.pth: corrupt or truncated PyTorch zip checkpoint/);
    expect(() => loadNcsnpp(new TextEncoder().encode('<html>404</html>'), cfg, { where: 'h.pth' })).toThrow(/^h\.pth: not a PyTorch checkpoint/);
  });

  it('reads the checkpoint as score_sde saves it: DataParallel keys stripped, EMA list, step', () => {
    const ck = readScoreSdeCheckpoint(file('score-sde-ddpmpp'));
    expect(ck.step).toBe(1);
    expect([...ck.model.keys()][0]).toBe('sigmas');
    expect([...ck.model.keys()].every((k) => !k.startsWith('module.'))).toBe(true);
    expect(ck.shadow?.length).toBe(ck.model.size - 1); // every parameter but the `sigmas` buffer
  });
});
