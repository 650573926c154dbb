import * as tf from '@tensorflow/tfjs-core';
import { sample } from '@pfgm/methods';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openReleased } from './open-released.js';
import { openCheckpoint } from './open-checkpoint.js';
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
    await expect(openReleased(path)).rejects.toThrow(/matches none of the released NCSN\+\+ configs .*; give its official config \(model, data, training\.sde\) as JSON with --arch-config <file\.json>$/);
    const ncsnpp = JSON.parse(readFileSync(fixture('poisson-flow-ddpmpp/expected.json'), 'utf8')).config;
    const run = await openReleased(path, { ncsnpp, ema: false });
    expect(run.config.method).toMatchObject({ kind: 'pfgm', zMax: 40, condition: 'z' });
    expect(run.method.networkIo(run.shape).outShape).toEqual(run.net.io.outShape); // N + 1
    run.dispose();
  });

  it('gives one-line errors for missing, truncated and foreign files', async () => {
    await expect(openRun(join(tmp, 'nope.pth'))).rejects.toThrow(/^--checkpoint .*nope\.pth does not exist; expected a released checkpoint/);
    const bytes = readFileSync(fixture('pfgmpp-ncsnpp/training-state-000001.pt'));
    writeFileSync(join(tmp, 'cut.pt'), bytes.subarray(0, 100000));
    await expect(openRun(join(tmp, 'cut.pt'))).rejects.toThrow(/^\S*cut\.pt: corrupt or truncated PyTorch zip checkpoint/);
    const pkl = readFileSync(fixture('edm-ddpmpp-cond/network-snapshot-000001.pkl'));
    writeFileSync(join(tmp, 'cut.pkl'), pkl.subarray(0, 50000));
    await expect(openRun(join(tmp, 'cut.pkl'))).rejects.toThrow(/^\S*cut\.pkl: /);
    writeFileSync(join(tmp, 'page.pkl'), '<html>404</html>');
    await expect(openRun(join(tmp, 'page.pkl'))).rejects.toThrow(/^\S*page\.pkl: not a PyTorch checkpoint/);
  });

  it('takes what the file does not say from the flags, and refuses flags that contradict it (before building the network)', async () => {
    const pth = fixture('poisson-flow-ddpmpp/checkpoint_1.pth');
    const { training: _t, ...noSde } = JSON.parse(readFileSync(fixture('poisson-flow-ddpmpp/expected.json'), 'utf8')).config;
    const ncsnpp = { ...noSde, training: {} };
    await expect(openReleased(pth, { ncsnpp, ema: false })).rejects.toThrow(/^\S*checkpoint_1\.pth: the given --arch-config \(training\.sde absent\) does not say whether it is PFGM or VP-ODE; pass --method pfgm or --method vp$/);
    const asPfgm = await openReleased(pth, { ncsnpp, method: 'pfgm', ema: false });
    expect(asPfgm.config.method.kind).toBe('pfgm');
    asPfgm.dispose();
    // Told VP-ODE, the PFGM file's N+1-channel output layer does not fit: the loader names the key.
    await expect(openReleased(pth, { ncsnpp, method: 'vp', ema: false })).rejects.toThrow(/^\S*checkpoint_1\.pth: .*all_modules\.\d+\.(weight|bias)/);
    await expect(openReleased(pth, { ncsnpp: { ...ncsnpp, training: { sde: 'vesde' } }, ema: false })).rejects.toThrow(/^--arch-config: training\.sde "vesde" is not supported/);

    const pt = fixture('pfgmpp-ncsnpp/training-state-000001.pt');
    await expect(openReleased(pt, { D: 2048 })).rejects.toThrow(/^--D 2048 contradicts \S*training-state-000001\.pt, which is PFGM\+\+ with D = 128 by its EDMPrecond \(pfgmpp=True, D=128\)/);
    await expect(openReleased(pt, { method: 'edm' })).rejects.toThrow(/^--method edm contradicts .*pfgmpp \(D = 128\)/);
    await expect(openReleased(pt, { dataset: 'cifar10' })).rejects.toThrow(/^--dataset cifar10 has 32×32×3 images, but \S*training-state-000001\.pt is a network for 8×8×3/);

    // NVlabs/edm's EDMPrecond records no pfgmpp/D: EDM by default, PFGM++ when told (generate.py --pfgmpp=1 --aug_dim=64).
    const pkl = fixture('edm-ddpmpp-cond/network-snapshot-000001.pkl');
    const asPfgmpp = await openReleased(pkl, { method: 'pfgmpp', D: 64 });
    expect(asPfgmpp.config.method).toMatchObject({ kind: 'pfgmpp', D: 64 });
    expect(asPfgmpp.config.methodName).toBe('pfgmpp');
    asPfgmpp.dispose();
    await expect(openReleased(pkl, { D: 64 })).rejects.toThrow(/^--D 64 applies to PFGM\+\+ only; .*: drop --D or pass --method pfgmpp$/);
    await expect(openReleased(pkl, { method: 'vp' })).rejects.toThrow(/^--method vp: \S*network-snapshot-000001\.pkl is an EDM \/ PFGM\+\+ network/);
  });

  it('openCheckpoint: passes the flags to a released file; refuses them on a run folder, which records its method', async () => {
    const run = await openCheckpoint(fixture('edm-ddpmpp-cond/network-snapshot-000001.pkl'), { flags: { method: 'pfgmpp', D: 64 } });
    expect(run.config.method).toMatchObject({ kind: 'pfgmpp', D: 64 });
    run.dispose();
    const dir = join(tmp, 'run');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ methodName: 'vp', method: { kind: 'vp' }, data: { shape: [2] } }));
    writeFileSync(join(dir, 'checkpoint.safetensors'), 'x');
    await expect(openCheckpoint(dir, { flags: { method: 'pfgm' } })).rejects.toThrow(/^--method pfgm: \S*run is a run folder of 'pfgm train' whose config\.json records method vp and data \[2\]; .*drop --method$/);
  });
});
