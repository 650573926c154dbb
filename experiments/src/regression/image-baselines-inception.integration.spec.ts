import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allPassed, formatFinding } from './check-baselines.js';
import { buildImageBaselines } from './build-image-baselines.js';
import { checkImageBaselines } from './check-image-baselines.js';
import { IMAGE_MODELS_DIR, type ImageBaselinesFile } from './image-baselines-file.js';
import { loadImageScorer } from './image-reference.js';

// The Inception path of the image regression check (issue 14): the metric is a setting of the baselines file, and the
// check scores with whatever the file names. Real FID needs pytorch-fid's weights (`--metric fid --inception PATH`);
// here the same code path runs end to end with the synthetic-weights Inception network ('fid-synthetic-weights': the
// real architecture, 299×299 input, deterministic synthetic weights; a plumbing check, not FID) on one committed
// model with 4 images per seed: builder → file → check, nothing mocked.
const MODEL = 'fmnist-edm-ddpmpp-small-889e4c99d10f';
const root = mkdtempSync(join(tmpdir(), 'image-baselines-inception-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('image regression check with an Inception metric (fid-synthetic-weights)', () => {
  const models = join(root, 'models');
  mkdirSync(models);
  cpSync(join(IMAGE_MODELS_DIR, MODEL), join(models, MODEL), { recursive: true });
  let file: ImageBaselinesFile;

  it('the writer records the metric in the file and the check re-scores the CI seed with it', async () => {
    const lines: string[] = [];
    file = await buildImageBaselines({
      modelsDir: models,
      prefix: 'fmnist-',
      settings: { metric: 'fid-synthetic-weights', solver: { kind: 'heun', steps: 2 }, samples: 4, batch: 4, weights: 'raw', reference: { data: 'fmnist', split: 'test', images: 4, size: 28 }, backend: 'wasm' },
      K: 8,
      alpha: 0.001,
      ciSeed: 1000,
      unchecked: {},
      log: (l) => lines.push(l),
    });
    console.log(lines.filter((l) => !l.startsWith('  ')).join('\n'));
    expect(file.settings.metric).toBe('fid-synthetic-weights');
    expect(file.regenerate).toMatch(/--metric fid-synthetic-weights/);
    const [m] = file.models;
    expect(m.fd?.values).toHaveLength(8);
    expect(m.fd?.values.every(Number.isFinite)).toBe(true);

    const findings = await checkImageBaselines(file);
    console.log(findings.map(formatFinding).join('\n'));
    expect(allPassed(findings)).toBe(true);
    const [f] = findings;
    if (f.kind !== 'pass') throw new Error(formatFinding(f));
    expect(f.metrics[0].metric).toBe('fd_synthetic_inception_64d');
    expect(f.metrics[0].value).toBeCloseTo(m.ciAtWrite?.fd ?? NaN, 6); // the builder's CI-seed value, re-measured by the check
  }, 600_000);

  it('a value above the tolerance is reported with model, metric, value, baseline mean and tolerance', async () => {
    const fd = file.models[0].fd;
    if (!fd) throw new Error('the writer measured no fd');
    const tight: ImageBaselinesFile = { ...file, models: [{ ...file.models[0], fd: { ...fd, tolerance: 0 } }] };
    const scorer = await loadImageScorer(file.settings);
    const [f] = await checkImageBaselines(tight, { scorer }).finally(() => scorer.dispose());
    expect(f.kind).toBe('regressed');
    expect(formatFinding(f)).toMatch(new RegExp(`^REGRESSION ${MODEL}: fd_synthetic_inception_64d \\d+\\.\\d{4} > tolerance 0\\.0000 \\(baseline mean \\d+\\.\\d{4}, lower tolerance -?\\d+\\.\\d{4}\\)$`));
  }, 300_000);

  it('a changed checkpoint is reported by sha256 against the image baselines file, without scoring', async () => {
    appendFileSync(join(models, MODEL, 'checkpoint.safetensors'), Buffer.from([0]));
    const [f] = await checkImageBaselines(file);
    expect(f.kind).toBe('changed');
    expect(formatFinding(f)).toMatch(/^CHANGED fmnist-edm-\S+: .*checkpoint\.safetensors has sha256 [0-9a-f]{16}…, baselines-images\.json records [0-9a-f]{16}…; .*npm run baselines-images -w experiments -- --metric fid-synthetic-weights/);
  }, 120_000);
});
