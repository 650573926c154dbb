import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateReleased, RELEASED_MODELS, releasedModel } from './released-models.js';

const root = mkdtempSync(join(tmpdir(), 'pfgm-released-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('released models', () => {
  it('lists each with a consistent method, D and sampler', () => {
    for (const m of RELEASED_MODELS) {
      expect(m.method === 'pfgmpp', m.id).toBe(m.D !== undefined);
      expect(m.solver.solver, m.id).toBe(m.method === 'pfgm' || m.method === 'vp' ? 'rk45' : 'heun');
      expect(m.url, m.id).toMatch(/^https:\/\//);
    }
    expect(new Set(RELEASED_MODELS.map((m) => m.id)).size).toBe(RELEASED_MODELS.length);
    expect(() => releasedModel('pfgm-mnist')).toThrow(/^unknown released model "pfgm-mnist"; expected one of pfgm-cifar10-ddpmpp, /);
  });

  it('says in one line where to put a missing file and where to download it', () => {
    expect(() => locateReleased(releasedModel('pfgm-cifar10-ddpmpp'), root)).toThrow(
      /^released model pfgm-cifar10-ddpmpp: no checkpoint_\*\.pth in .*pfgm-cifar10-ddpmpp\/; download it from https:\/\/drive\.google\.com\/\S+ \(Newbeeer\/Poisson_flow README/,
    );
  });

  it('picks the last numbered checkpoint and checks the recorded size and sha256', () => {
    const dir = join(root, 'vp-cifar10-ddpmpp-continuous');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'checkpoint_8.pth'), 'eight');
    writeFileSync(join(dir, 'checkpoint_26.pth'), 'twenty-six');
    const m = releasedModel('vp-cifar10-ddpmpp-continuous');
    expect(locateReleased(m, root)).toBe(join(dir, 'checkpoint_26.pth'));
    const sha = createHash('sha256').update('twenty-six').digest('hex');
    writeFileSync(join(root, 'released.json'), JSON.stringify({ [m.id]: { size: 10, sha256: sha } }));
    expect(locateReleased(m, root)).toBe(join(dir, 'checkpoint_26.pth'));
    writeFileSync(join(root, 'released.json'), JSON.stringify({ [m.id]: { size: 11 } }));
    expect(() => locateReleased(m, root)).toThrow(/checkpoint_26\.pth has 10 bytes, released\.json records 11 \(truncated or another file\?\)$/);
    writeFileSync(join(root, 'released.json'), JSON.stringify({ [m.id]: { sha256: '00' } }));
    expect(() => locateReleased(m, root)).toThrow(/has sha256 [0-9a-f]{64}, released\.json records 00$/);
    writeFileSync(join(root, 'released.json'), '{');
    expect(() => locateReleased(m, root)).toThrow(/released\.json: not valid JSON/);
    rmSync(join(root, 'released.json'));
  });

  it('finds PFGM++ checkpoints stored as .pt or as .pkl', () => {
    const dir = join(root, 'pfgmpp-cifar10-ncsnpp-d128');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'training-state-200000.pkl'), 'x');
    expect(locateReleased(releasedModel('pfgmpp-cifar10-ncsnpp-d128'), root)).toBe(join(dir, 'training-state-200000.pkl'));
  });
});
