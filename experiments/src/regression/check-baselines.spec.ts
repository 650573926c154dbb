import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { readBaselines, REPO_ROOT, type BaselinesFile, type ModelBaseline } from './baselines-file.js';
import { allPassed, checkBaselines, formatFinding } from './check-baselines.js';
import { fileSha256 } from './file-sha256.js';

const SOURCE = join(REPO_ROOT, 'results/toy-table/cpu-2026-11-25/shared/models/8gaussians-edm');
const root = mkdtempSync(join(tmpdir(), 'baselines-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A baselines file listing one copy of a committed checkpoint (64 samples: plumbing only, the numbers are not baselines). */
function fileFor(dir: string, tolerance: number): BaselinesFile {
  const model: ModelBaseline = {
    id: 'copy', dir, checkpointSha256: fileSha256(join(root, dir, 'checkpoint.safetensors')), configSha256: fileSha256(join(root, dir, 'config.json')),
    toy: '8gaussians', nfe: 11, seeds: [1, 2], K: 2, sw2: { values: [0.5, 0.6], mean: 0.55, std: 0.07, k: 1, tolerance }, far: { counts: [0, 0], total: 0, tolerance: 2 },
    checked: true, ciSeed: 1000, ciAtWrite: { sw2: 0.5, far: 0 },
  };
  return {
    about: '', regenerate: '', tolerance: { alpha: 0.001, sw2: '', far: '', familyWiseFalseAlarm: '', why: '' },
    settings: { metric: 'sw2', directions: 64, solver: { kind: 'heun', steps: 6 }, samples: 64, test: { split: 'test', seed: 0, points: 256 }, farFactor: 2 },
    provenance: { commit: null, dirty: null, backend: 'cpu', date: '', wallSeconds: 0, node: '', tfjs: '', host: '' },
    models: [model],
  };
}

function copyModel(name: string): string {
  cpSync(SOURCE, join(root, name), { recursive: true });
  return name;
}

describe('checkBaselines on copies of a committed checkpoint', () => {
  it('scores an intact copy (pass under a loose tolerance, regression under a tight one), without leaks', async () => {
    const dir = copyModel('intact');
    const ok = await expectNoLeak(() => checkBaselines(fileFor(dir, 10), { root }));
    expect(ok[0].kind).toBe('pass');
    expect(allPassed(ok)).toBe(true);
    const tight = await checkBaselines(fileFor(dir, 0), { root });
    expect(tight[0].kind).toBe('regressed');
    expect(allPassed(tight)).toBe(false);
    expect(formatFinding(tight[0])).toMatch(/^REGRESSION copy: sw2 \d+\.\d{4} > tolerance 0\.0000 \(baseline mean 0\.5500\)$/);
    expect(formatFinding(ok[0])).toMatch(/^ok copy: sw2 \d+\.\d{4} ≤ tolerance 10\.0000 \(baseline mean 0\.5500\); far 0 ≤ tolerance 2 \(baseline mean count 0\.00\)/);
  });

  it('reports a changed checkpoint or config (sha256) and a missing checkpoint without evaluating them', async () => {
    const ckpt = copyModel('ckpt-changed');
    const b1 = fileFor(ckpt, 10);
    appendFileSync(join(root, ckpt, 'checkpoint.safetensors'), Buffer.from([0]));
    const [f1] = await checkBaselines(b1, { root });
    expect(f1.kind).toBe('changed');
    expect(formatFinding(f1)).toMatch(/^CHANGED copy: .*checkpoint\.safetensors has sha256 [0-9a-f]{16}…, baselines\.json records [0-9a-f]{16}…/);

    const cfg = copyModel('config-changed');
    const b2 = fileFor(cfg, 10);
    writeFileSync(join(root, cfg, 'config.json'), '{}');
    const [f2] = await checkBaselines(b2, { root });
    expect(f2.kind === 'changed' && f2.file.endsWith('config.json')).toBe(true);

    const gone = copyModel('missing');
    const b3 = fileFor(gone, 10);
    rmSync(join(root, gone, 'checkpoint.safetensors'));
    const [f3] = await checkBaselines(b3, { root });
    expect(f3.kind).toBe('missing');
    expect(formatFinding(f3)).toMatch(/^MISSING copy: .*checkpoint\.safetensors does not exist/);
    expect(allPassed([f1, f2, f3])).toBe(false);
  });

  it('skips an unchecked model with its reason, and refuses unknown ids', async () => {
    const b = fileFor(copyModel('unchecked'), 10);
    b.models[0] = { ...b.models[0], checked: false, reason: 'heavy tails' };
    const f = await checkBaselines(b, { root });
    expect(f).toEqual([{ kind: 'skipped', id: 'copy', reason: 'heavy tails' }]);
    await expect(checkBaselines(b, { root, only: ['nope'] })).rejects.toThrow(/unknown model id\(s\) nope; listed: copy/);
  });

  it('readBaselines explains a missing or malformed file', () => {
    expect(() => readBaselines(join(root, 'none.json'))).toThrow(/is missing; write it with 'npm run baselines -w experiments'/);
    writeFileSync(join(root, 'bad.json'), '{"models": 3}');
    expect(() => readBaselines(join(root, 'bad.json'))).toThrow(/expected \{ settings, tolerance, provenance, models/);
  });
});
