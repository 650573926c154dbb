import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { REPO_ROOT } from './baselines-file.js';
import { allPassed, formatFinding } from './check-baselines.js';
import { checkImageBaselines } from './check-image-baselines.js';
import { committedImageRuns } from './committed-image-runs.js';
import { readImageBaselines } from './image-baselines-file.js';

// The CI regression check of issue 14 on an image metric: re-evaluates the committed Fashion-MNIST checkpoints at
// their CI seed with the metric results/baselines-images.json names (FD-FMNIST as committed; Inception FID when the
// file was written with --metric fid) and fails on a regressed value, a missing or a changed checkpoint. Cost: see
// README-section.md (160 images per model, Heun NFE 7, wasm).
describe('image regression check of the committed Fashion-MNIST checkpoints (results/baselines-images.json)', () => {
  const baselines = readImageBaselines();
  beforeAll(async () => {
    await initBackend(baselines.settings.backend, { log: () => undefined });
  });

  it('lists every committed fmnist checkpoint', () => {
    const folders = [...new Set(baselines.models.map((m) => dirname(join(REPO_ROOT, m.dir))))];
    const committed = folders.flatMap((f) => committedImageRuns(f, 'fmnist-'));
    const unlisted = committed.filter((id) => !baselines.models.some((m) => m.id === id));
    expect(committed.length).toBeGreaterThan(0);
    expect(unlisted, `committed checkpoints without an image baseline (regenerate: npm run baselines-images -w experiments): ${unlisted.join(', ')}`).toEqual([]);
  });

  it('every checked checkpoint exists, is unchanged (sha256) and scores within its tolerance at the CI seed', async () => {
    const findings = await expectNoLeak(() => checkImageBaselines(baselines));
    const report = findings.map((f) => formatFinding(f)).join('\n');
    console.log(`image regression check (${baselines.settings.metric}, ${baselines.settings.samples} samples, ${JSON.stringify(baselines.settings.solver)}, ${baselines.settings.backend}):\n${report}`);
    expect(allPassed(findings), `\n${report}`).toBe(true);
    expect(findings.filter((f) => f.kind === 'pass')).toHaveLength(baselines.models.filter((m) => m.checked).length);
  }, 900_000);
});
