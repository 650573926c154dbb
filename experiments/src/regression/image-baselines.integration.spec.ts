import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { REPO_ROOT } from './baselines-file.js';
import { allPassed, formatFinding } from './check-baselines.js';
import { checkImageBaselines } from './check-image-baselines.js';
import { committedImageRuns } from './committed-image-runs.js';
import { IMAGE_BASELINES_LOCATIONS, readImageBaselines } from './image-baselines-file.js';

// The CI regression check of issue 14 on an image metric: re-evaluates the committed Fashion-MNIST checkpoints at
// their CI seed with the metric each baselines file names (FD-FMNIST as committed; Inception FID when the file was
// written with --metric fid) and fails on a regressed value, a missing or a changed checkpoint. Two files: the table
// models (results/baselines-images.json) and the claims runs' models (results/claims/baselines-images.json, seed-1
// models re-scored, every model's files checked). Cost: see README-section.md (160 images per model, Heun NFE 7, wasm).
describe.each(IMAGE_BASELINES_LOCATIONS.map((l) => [relative(REPO_ROOT, l.path), l] as const))('image regression check of the committed Fashion-MNIST checkpoints (%s)', (file, loc) => {
  const committed = committedImageRuns(loc.modelsDir, 'fmnist-');
  const present = existsSync(loc.path);

  it(`exists when ${relative(REPO_ROOT, loc.modelsDir)} has committed fmnist checkpoints, and lists every one`, () => {
    // The claims folder may hold no committed model yet (a fresh results root): then no file is needed. The table
    // models are always committed, so the first file is always required.
    expect(committed.length > 0 || loc.mayBeEmpty, `${loc.modelsDir}: no committed fmnist checkpoint`).toBe(true);
    if (committed.length === 0) return;
    expect(present, `${file} is missing; write it with: ${loc.regenerate}`).toBe(true);
    const listed = readImageBaselines(loc.path).models.map((m) => m.id);
    const unlisted = committed.filter((id) => !listed.includes(id));
    expect(unlisted, `committed checkpoints without an image baseline in ${file} (regenerate: ${loc.regenerate}): ${unlisted.join(', ')}`).toEqual([]);
  });

  it.skipIf(!present)('every listed checkpoint exists and is unchanged (sha256); every checked one scores within its tolerance at the CI seed', async () => {
    // Skips only where the file is absent, which the test above allows only for a models folder with nothing committed.
    const baselines = readImageBaselines(loc.path);
    await initBackend(baselines.settings.backend, { log: () => undefined });
    const findings = await expectNoLeak(() => checkImageBaselines(baselines, { path: loc.path }));
    const report = findings.map((f) => formatFinding(f)).join('\n');
    console.log(`image regression check of ${file} (${baselines.settings.metric}, ${baselines.settings.samples} samples, ${JSON.stringify(baselines.settings.solver)}, ${baselines.settings.weights} weights, ${baselines.settings.backend}):\n${report}`);
    expect(allPassed(findings), `\n${report}`).toBe(true);
    expect(findings.filter((f) => f.kind === 'pass')).toHaveLength(baselines.models.filter((m) => m.checked).length);
    expect(findings.filter((f) => f.kind === 'skipped')).toHaveLength(baselines.models.filter((m) => !m.checked).length);
  }, 900_000);
});
