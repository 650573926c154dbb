import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from '@pfgm/tensor';
import { expectNoLeak, integrationBackend } from '@pfgm/tensor/testing';
import { checkStoreProbes, PROBE_FILE } from '../harness/net-probe.js';
import { REPO_ROOT } from './baselines-file.js';
import { committedImageRuns } from './committed-image-runs.js';
import { IMAGE_BASELINES_LOCATIONS } from './image-baselines-file.js';

// Every committed model-store entry of the claims runs (results/claims/models, trained through ensureTrained) is
// still the function it was trained as: its net-probe.json (predictor outputs on a fixed input at two grid times,
// EMA weights as the claims sample them) matches what the current code computes. Unlike the FD check, which
// re-scores the seed-1 models only, this covers every model, in ≈ 0.3 s each.
const claims = IMAGE_BASELINES_LOCATIONS.filter((l) => l.mayBeEmpty);

describe.each(claims.map((l) => [relative(REPO_ROOT, l.modelsDir), l.modelsDir] as const))('network probes of the committed models in %s', (_name, dir) => {
  it(`each has a ${PROBE_FILE} that the current code reproduces`, async () => {
    const ids = committedImageRuns(dir, 'fmnist-');
    await initBackend(integrationBackend(), { log: () => undefined });
    const r = await expectNoLeak(() => checkStoreProbes(dir, { ema: true, record: false, ids }));
    expect(r.changed, `models whose outputs moved (retrain them, or record with npm run check-models -w experiments -- ${relative(REPO_ROOT, dir)} --record at the commit that trained them):\n${r.changed.join('\n')}`).toEqual([]);
    expect(r.matched.sort()).toEqual([...ids].sort());
  }, 120_000);
});
