import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJson } from '@pfgm/report';
import { buildImageBaselines, reusableEntries, type BuildImageOptions } from './build-image-baselines.js';
import { formatFinding } from './check-baselines.js';
import { checkImageBaselines } from './check-image-baselines.js';
import { IMAGE_MODELS_DIR, readImageBaselines } from './image-baselines-file.js';

const root = mkdtempSync(join(tmpdir(), 'image-baselines-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const options = (o: Partial<BuildImageOptions> = {}): BuildImageOptions => ({
  modelsDir: IMAGE_MODELS_DIR,
  prefix: 'fmnist-',
  settings: { metric: 'fd-fmnist', solver: { kind: 'heun', steps: 4 }, samples: 160, batch: 160, weights: 'raw', reference: { data: 'fmnist', split: 'test', images: 2000, size: 28 }, backend: 'cpu' },
  K: 12,
  alpha: 0.001,
  ciSeed: 1000,
  unchecked: {},
  log: () => undefined,
  ...o,
});

// The writer's refusals come before anything is sampled (the measurement itself runs in the integration specs).
describe('buildImageBaselines refuses settings that cannot give a baseline', () => {
  it('needs K ≥ 8 seeds and a CI seed outside them', async () => {
    await expect(buildImageBaselines(options({ K: 4 }))).rejects.toThrow(/--seeds 4: need an integer K ≥ 8/);
    await expect(buildImageBaselines(options({ ciSeed: 3 }))).rejects.toThrow(/--ci-seed 3 is one of the baseline seeds 1\.\.12/);
  });

  it('refuses Inception FID with 2048 or fewer samples or reference images', async () => {
    const fid = options().settings;
    await expect(buildImageBaselines(options({ settings: { ...fid, metric: 'fid' } }))).rejects.toThrow(/--metric fid: 160 samples and 2000 reference images; .* more than 2048/);
  });

  it('needs at least one image run in the models folder', async () => {
    await expect(buildImageBaselines(options({ modelsDir: root }))).rejects.toThrow(/no trained image runs \(fmnist-\*\/checkpoint\.safetensors\) found/);
  });
});

describe('readImageBaselines', () => {
  it('explains a missing or malformed file', () => {
    expect(() => readImageBaselines(join(root, 'none.json'))).toThrow(/is missing; write it with 'npm run baselines-images -w experiments'/);
    writeFileSync(join(root, 'bad.json'), '{"models": [], "settings": {"samples": 160}}');
    expect(() => readImageBaselines(join(root, 'bad.json'))).toThrow(/expected \{ settings: \{ metric, samples, … \}/);
  });

  it('reads the committed file: FD-FMNIST, K = 12, both tolerances around the mean', () => {
    const b = readImageBaselines();
    expect(b.settings.metric).toBe('fd-fmnist');
    for (const m of b.models) {
      expect(m.K).toBe(12);
      if (!m.fd) throw new Error(`${m.id}: no fd`);
      expect(m.fd.lowerTolerance).toBeLessThan(m.fd.mean);
      expect(m.fd.tolerance).toBeGreaterThan(m.fd.mean);
      expect(m.fd.tolerance - m.fd.mean).toBeCloseTo(m.fd.mean - m.fd.lowerTolerance, 9);
    }
  });
});

// Issue 14's claims models: only training seed 1 of each configuration is re-scored in CI (CI time); every model's
// files are still checked, and a regeneration keeps the entries whose files and settings did not change.
describe('sha256-only entries (--score-seeds) and incremental regeneration (--reuse)', () => {
  const MODEL = 'fmnist-edm-ddpmpp-small-889e4c99d10f';
  const models = join(root, 'models');
  mkdirSync(models, { recursive: true });
  cpSync(join(IMAGE_MODELS_DIR, MODEL), join(models, MODEL), { recursive: true });
  const trainSeed = readJson<{ train: { seed: number } }>(join(models, MODEL, 'config.json')).train.seed;

  it('a run whose training seed is not scored is recorded with its sha256 and training seed, unmeasured and unchecked', async () => {
    const lines: string[] = [];
    const file = await buildImageBaselines(options({ modelsDir: models, scoreSeeds: [trainSeed + 1], regenerate: 'npm run baselines-images -w experiments -- --score-seeds 2', log: (l) => lines.push(l) }));
    const [m] = file.models;
    expect(m).toMatchObject({ id: MODEL, checked: false, trainSeed, K: 0 });
    expect(m.fd).toBeUndefined();
    expect(m.checkpointSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.reason).toBe(`training seed ${trainSeed}; fd_fmnist is re-scored in CI only for training seed ${trainSeed + 1} of each configuration (CI time)`);
    expect(file.regenerate).toBe('npm run baselines-images -w experiments -- --score-seeds 2; then commit the file');
    expect(lines[0]).toMatch(/^1 models: 0 to measure .* 0 kept from the earlier file, 1 recorded by sha256 only$/);
  });

  it('the check verifies an unchecked entry\'s files: intact → skipped with its reason, changed → CHANGED', async () => {
    const file = await buildImageBaselines(options({ modelsDir: models, scoreSeeds: [trainSeed + 1] }));
    const [intact] = await checkImageBaselines(file, { path: join(root, 'claims.json') });
    expect(intact.kind, formatFinding(intact)).toBe('skipped');
    expect(formatFinding(intact)).toMatch(/^skipped fmnist-edm-\S+: files unchanged \(sha256\); not re-scored: training seed \d+; fd_fmnist is re-scored in CI only for/);
    const edited = { ...file, models: [{ ...file.models[0], configSha256: '0'.repeat(64) }] };
    const [changed] = await checkImageBaselines(edited, { path: join(root, 'claims.json') });
    expect(changed.kind).toBe('changed');
  });

  it('--reuse keeps an entry whose files, settings, K, α and CI seed are unchanged, and drops it otherwise', async () => {
    const fresh = await buildImageBaselines(options({ modelsDir: models, scoreSeeds: [trainSeed + 1] }));
    const measured = { ...fresh.models[0], checked: true, K: 12, seeds: [1], fd: { values: [1, 2], mean: 1.5, std: 0.7, k: 4.19, tolerance: 4.4, lowerTolerance: -1.4 }, measured: { commit: 'abc', dirty: false, date: '2026-01-01', seconds: 1 } };
    const earlier = { ...fresh, models: [measured] };
    const o = options({ modelsDir: models, reuse: earlier });
    expect(reusableEntries(o).get(MODEL)).toEqual(measured);
    expect(reusableEntries({ ...o, ciSeed: 2000 }).size).toBe(0);
    expect(reusableEntries({ ...o, K: 16 }).size).toBe(0);
    expect(reusableEntries({ ...o, settings: { ...o.settings, samples: 161 } }).size).toBe(0);
    expect(reusableEntries({ ...o, scoreSeeds: [trainSeed + 1] }).size).toBe(0); // now sha256-only: re-recorded
    expect(reusableEntries({ ...o, reuse: { ...earlier, models: [{ ...measured, checkpointSha256: '0'.repeat(64) }] } }).size).toBe(0);
    // A kept entry goes into the new file as it was (its own measured commit), without sampling anything.
    const again = await buildImageBaselines({ ...o, log: () => undefined });
    expect(again.models).toEqual([measured]);
  });
});
