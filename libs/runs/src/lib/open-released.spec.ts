import * as tf from '@tensorflow/tfjs-core';
import { sample } from '@pfgm/methods';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openReleased } from './open-released.js';
import { openRun } from './open-run.js';

// The released-checkpoint fixtures of @pfgm/networks (tiny official networks saved as the official code saves them),
// opened as runs: method, D and architecture from the file, then sampled (plumbing; the parity is checked in
// @pfgm/networks and @pfgm/methods).

const fixture = (p: string): string => fileURLToPath(new URL(`../../../networks/src/lib/fixtures/released/${p}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pfgm-released-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('openReleased', () => {
  it('opens a PFGM++ training-state: PFGM++ with D = 128 from the file, samples with Heun', async () => {
    await expectNoLeak(async () => {
      const run = await openRun(fixture('pfgmpp-ncsnpp/training-state-000001.pt'));
      expect(run.config.method).toMatchObject({ kind: 'pfgmpp', D: 128, sigmaMin: 0.002, sigmaMax: 80, sigmaData: 0.5 });
      expect(run.config.methodName).toBe('pfgmpp');
      expect(run.shape).toEqual([8, 8, 3]);
      expect(run.step).toBe(1000);
      const res = await sample(run.method, run.predictor, { kind: 'heun', steps: 3 }, 2, run.shape, new Rng(0));
      expect(res.x.shape).toEqual([2, 8, 8, 3]);
      expect(Array.from(res.x.dataSync()).every(Number.isFinite)).toBe(true);
      res.x.dispose();
      run.dispose();
    });
  });

  it('opens an EDM network snapshot: EDM (D = ∞), class-conditional with a chosen class', async () => {
    const run = await openReleased(fixture('edm-ddpmpp-cond/network-snapshot-000001.pkl'), { classLabel: 7 });
    expect(run.config.method).toMatchObject({ kind: 'pfgmpp', D: Infinity });
    expect(run.config.methodName).toBe('edm');
    expect(run.released).toEqual({ format: 'edm', architecture: 'SongUNet ddpmpp', labelDim: 10 });
    const x = tf.zeros([2, 8, 8, 3]);
    const d = run.predictor(x, 1.5);
    expect(d.shape).toEqual([2, 8, 8, 3]);
    const rowsEqual = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(t.slice(0, 1), t.slice(1, 1)))).dataSync()[0] === 0);
    expect(rowsEqual(d)).toBe(true); // one class (7) for every row
    run.dispose();
    const cycling = await openReleased(fixture('edm-ddpmpp-cond/network-snapshot-000001.pkl')); // default: row b gets class b mod 10
    const d2 = cycling.predictor(x, 1.5);
    expect(rowsEqual(d2)).toBe(false);
    tf.dispose([x, d, d2]);
    cycling.dispose();
    await expect(openReleased(fixture('edm-ddpmpp-cond/network-snapshot-000001.pkl'), { classLabel: 10 })).rejects.toThrow(/class 10 is outside the network's 10 classes$/);
    await expect(openReleased(fixture('edm-ddpmpp-cond/network-snapshot-000001.pkl'), { ema: false })).rejects.toThrow(/holds only the EMA network/);
  });

  it('opens a score_sde-format PFGM checkpoint given its config (the tiny fixture is none of the released sizes)', async () => {
    const path = fixture('poisson-flow-ddpmpp/checkpoint_1.pth');
    await expect(openReleased(path)).rejects.toThrow(/matches none of the released NCSN\+\+ configs .*; pass its config explicitly$/);
    const ncsnpp = JSON.parse(readFileSync(fixture('poisson-flow-ddpmpp/expected.json'), 'utf8')).config;
    const run = await openReleased(path, { ncsnpp, ema: false });
    expect(run.config.method).toMatchObject({ kind: 'pfgm', zMax: 40, condition: 'z' });
    expect(run.method.networkIo(run.shape).outShape).toEqual(run.net.io.outShape); // N + 1
    run.dispose();
  });

  it('gives one-line errors for missing, truncated and foreign files', async () => {
    await expect(openRun(join(tmp, 'nope.pth'))).rejects.toThrow(/^--ckpt .*nope\.pth does not exist$/);
    const bytes = readFileSync(fixture('pfgmpp-ncsnpp/training-state-000001.pt'));
    writeFileSync(join(tmp, 'cut.pt'), bytes.subarray(0, 100000));
    await expect(openRun(join(tmp, 'cut.pt'))).rejects.toThrow(/^\S*cut\.pt: corrupt or truncated PyTorch zip checkpoint/);
    const pkl = readFileSync(fixture('edm-ddpmpp-cond/network-snapshot-000001.pkl'));
    writeFileSync(join(tmp, 'cut.pkl'), pkl.subarray(0, 50000));
    await expect(openRun(join(tmp, 'cut.pkl'))).rejects.toThrow(/^\S*cut\.pkl: /);
    writeFileSync(join(tmp, 'page.pkl'), '<html>404</html>');
    await expect(openRun(join(tmp, 'page.pkl'))).rejects.toThrow(/^\S*page\.pkl: not a PyTorch checkpoint/);
  });
});
