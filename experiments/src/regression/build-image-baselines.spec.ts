import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImageBaselines, type BuildImageOptions } from './build-image-baselines.js';
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
      expect(m.fd.lowerTolerance).toBeLessThan(m.fd.mean);
      expect(m.fd.tolerance).toBeGreaterThan(m.fd.mean);
      expect(m.fd.tolerance - m.fd.mean).toBeCloseTo(m.fd.mean - m.fd.lowerTolerance, 9);
    }
  });
});
