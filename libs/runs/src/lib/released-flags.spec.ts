import { describe, expect, it } from 'vitest';
import { archConfigFrom, resolveCheckpointFlags, type CheckpointFacts } from './released-flags.js';

const pth = (method?: 'pfgm' | 'vp'): CheckpointFacts => ({ kind: 'score_sde', where: 'c.pth', method, shape: [32, 32, 3], source: method ? 'its keys (released config x)' : 'the given --arch-config' });
const pfgmppPt: CheckpointFacts = { kind: 'edm', where: 's.pt', method: 'pfgmpp', D: 128, shape: [32, 32, 3], source: 'its EDMPrecond (pfgmpp=True, D=128)' };
const edmPkl: CheckpointFacts = { kind: 'edm', where: 'e.pkl', shape: [32, 32, 3], source: 'its EDMPrecond (no pfgmpp record)' };
const run: CheckpointFacts = { kind: 'run', where: 'runs/x', method: 'pfgmpp', D: 128, shape: [2], source: 'its config.json' };

describe('resolveCheckpointFlags', () => {
  it('takes what the file says when no flag is given', () => {
    expect(resolveCheckpointFlags(pth('pfgm'), {})).toEqual({ method: 'pfgm' });
    expect(resolveCheckpointFlags(pfgmppPt, {})).toEqual({ method: 'pfgmpp', D: 128 });
    expect(resolveCheckpointFlags(edmPkl, {})).toEqual({ method: 'edm' }); // EDM's own EDMPrecond records no D: D = ∞
    expect(resolveCheckpointFlags(run, {})).toEqual({ method: 'pfgmpp', D: 128 });
  });

  it('fills in what the file does not say, and accepts flags that agree with it', () => {
    expect(resolveCheckpointFlags(pth(), { method: 'vp', archConfig: true })).toEqual({ method: 'vp' });
    expect(resolveCheckpointFlags(edmPkl, { method: 'pfgmpp', D: 2048 })).toEqual({ method: 'pfgmpp', D: 2048 }); // generate.py --pfgmpp=1 --aug_dim=2048 --use_pickle=1
    expect(resolveCheckpointFlags(pfgmppPt, { method: 'pfgmpp', D: 128, dataset: 'cifar10' })).toEqual({ method: 'pfgmpp', D: 128, dataset: 'cifar10' });
    expect(resolveCheckpointFlags(pth('pfgm'), { method: 'pfgm' })).toEqual({ method: 'pfgm' });
  });

  it('refuses a flag that contradicts the file, naming both values', () => {
    expect(() => resolveCheckpointFlags(pth('pfgm'), { method: 'vp' })).toThrow(/^--method vp contradicts c\.pth, which is pfgm by its keys \(released config x\); drop --method/);
    expect(() => resolveCheckpointFlags(pfgmppPt, { method: 'edm' })).toThrow(/^--method edm contradicts s\.pt, which is pfgmpp \(D = 128\) by its EDMPrecond/);
    expect(() => resolveCheckpointFlags(pfgmppPt, { D: 2048 })).toThrow(/^--D 2048 contradicts s\.pt, which is PFGM\+\+ with D = 128 by its EDMPrecond/);
    expect(() => resolveCheckpointFlags(pfgmppPt, { dataset: 'celeba64' })).toThrow(/^--dataset celeba64 has 64×64×3 images, but s\.pt is a network for 32×32×3; pick the data set/);
  });

  it('refuses impossible combinations in one line', () => {
    expect(() => resolveCheckpointFlags(pth('vp'), { D: 128 })).toThrow(/^--D 128 applies to PFGM\+\+ only; c\.pth is vp by its keys/);
    expect(() => resolveCheckpointFlags(edmPkl, { D: 128 })).toThrow(/^--D 128 applies to PFGM\+\+ only; e\.pkl is edm by .*: drop --D or pass --method pfgmpp$/);
    expect(() => resolveCheckpointFlags(edmPkl, { method: 'edm', D: 64 })).toThrow(/^--D 64 applies to PFGM\+\+ only; e\.pkl is edm \(--method\)/);
    expect(() => resolveCheckpointFlags(pth('pfgm'), { method: 'pfgmpp' })).toThrow(/^--method pfgmpp: c\.pth is a score_sde-format \.pth \(NCSN\+\+: PFGM or VP-ODE\); expected --method pfgm or vp$/);
    expect(() => resolveCheckpointFlags(edmPkl, { method: 'vp' })).toThrow(/^--method vp: e\.pkl is an EDM \/ PFGM\+\+ network .*; expected --method pfgmpp or edm$/);
    expect(() => resolveCheckpointFlags(edmPkl, { method: 'pfgmpp' })).toThrow(/^--method pfgmpp: e\.pkl does not record PFGM\+\+'s D .*; pass --D <int>/);
    expect(() => resolveCheckpointFlags(pth(), { archConfig: true })).toThrow(/^c\.pth: the given --arch-config does not say whether it is PFGM or VP-ODE; pass --method pfgm or --method vp$/);
    expect(() => resolveCheckpointFlags(pfgmppPt, { archConfig: true })).toThrow(/^--arch-config: s\.pt is an EDM \/ PFGM\+\+ file that carries its own architecture/);
  });

  it('refuses every released-file flag on a run folder, which records its method', () => {
    expect(() => resolveCheckpointFlags(run, { method: 'pfgmpp' })).toThrow(/^--method pfgmpp: runs\/x is a run folder of 'pfgm train' whose config\.json records method pfgmpp \(D = 128\) and data \[2\]; .*drop --method$/);
    expect(() => resolveCheckpointFlags(run, { D: 64 })).toThrow(/^--D 64: runs\/x is a run folder .*drop --D$/);
    expect(() => resolveCheckpointFlags(run, { dataset: 'cifar10' })).toThrow(/^--dataset cifar10: .*drop --dataset$/);
    expect(() => resolveCheckpointFlags(run, { archConfig: true })).toThrow(/^--arch-config: .*drop --arch-config$/);
  });
});

describe('archConfigFrom', () => {
  const cfg = { model: { nf: 4, ch_mult: [1, 2], num_res_blocks: 1, attn_resolutions: [4] }, data: { image_size: 8, num_channels: 3, centered: true } };
  it('reads the official config, alone or under "config" (the fixtures\' expected.json); training.sde may be absent', () => {
    expect(archConfigFrom(cfg, 'a.json')).toEqual({ ...cfg, training: {} });
    expect(archConfigFrom({ family: 'x', config: { ...cfg, training: { sde: 'poisson' } } }, 'e.json').training).toEqual({ sde: 'poisson' });
  });
  it('names the first missing field in one line', () => {
    expect(() => archConfigFrom([1], 'a.json')).toThrow(/^--arch-config a\.json: not a JSON object; expected the official NCSN\+\+ config/);
    expect(() => archConfigFrom({ model: cfg.model }, 'a.json')).toThrow(/^--arch-config a\.json: no "data" object;/);
    expect(() => archConfigFrom({ ...cfg, model: { nf: 4 } }, 'a.json')).toThrow(/^--arch-config a\.json: no "model\.ch_mult";/);
    expect(() => archConfigFrom({ ...cfg, data: { image_size: '8', num_channels: 3 } }, 'a.json')).toThrow(/^--arch-config a\.json: "data\.image_size" must be an integer;/);
  });
});
