import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from '@pfgm/tensor';
import { expectNoLeak, integrationBackend } from '@pfgm/tensor/testing';
import { checkStoreProbes, PROBE_FILE } from '../harness/net-probe.js';
import { REPO_ROOT } from './baselines-file.js';
import { committedImageRuns } from './committed-image-runs.js';
import { IMAGE_BASELINES_LOCATIONS, readImageBaselines } from './image-baselines-file.js';

// Every committed Fashion-MNIST model (the tables' results/models and the claims runs' results/claims/models) is still
// the function it was recorded as: its net-probe.json (predictor outputs on a fixed input at two grid times, for the
// weights its baselines file samples: raw for the tables' older models, EMA for the claims) matches what the current
// code computes. The FD check re-scores a model's samples at Heun NFE 7 within a seed-spread tolerance and, for the
// claims, the seed-1 models only; this covers every model at 2e-3 of the outputs' scale, in ≈ 0.1 s each.
describe.each(IMAGE_BASELINES_LOCATIONS.map((l) => [relative(REPO_ROOT, l.modelsDir), l] as const))('network probes of the committed models in %s', (name, loc) => {
  it(`each has a ${PROBE_FILE} that the current code reproduces`, async () => {
    const ids = committedImageRuns(loc.modelsDir, 'fmnist-');
    if (ids.length === 0) return; // a claims root with nothing committed yet (the baselines spec allows only that)
    const ema = readImageBaselines(loc.path).settings.weights === 'ema';
    await initBackend(integrationBackend(), { log: () => undefined });
    const r = await expectNoLeak(() => checkStoreProbes(loc.modelsDir, { ema, record: false, ids }));
    const fix = `retrain them, or record the probes with npm run check-models -w experiments -- ${name}${ema ? '' : ' --raw'} --record at the commit that trained them`;
    expect(r.changed, `models whose outputs moved (${fix}):\n${r.changed.join('\n')}`).toEqual([]);
    expect(r.matched.sort()).toEqual([...ids].sort());
  }, 120_000);
});
