import { describe, expect, it } from 'vitest';
import { readBaselines } from './baselines-file.js';
import { checkBaselines, formatFinding, type Finding } from './check-baselines.js';
import type { Faults } from './evaluate-checkpoint.js';

// Issue 8, "fails when a checkpoint or sampler is deliberately broken (show it once in a test)": the same check the CI
// runs (baselines.integration.spec.ts), on two committed models (EDM and PFGM), intact and with injected faults. A
// changed or missing checkpoint FILE is shown in check-baselines.spec.ts (sha256); here the faults act in memory.
// Not every fault is caught on every model (measured over all 12: 30 % weight noise on 8 of 12, half the Heun steps
// on 10 of 12 — VP-ODE's SW2 does not get worse at 6 steps); see README-section.md.
const MODELS = ['8gaussians-edm', 'mixture-pfgm'];

describe('the regression check catches deliberate breakage', () => {
  const baselines = readBaselines();
  const run = async (faults: Faults): Promise<Finding[]> => {
    const findings = await checkBaselines(baselines, { only: MODELS, faults });
    console.log(`${JSON.stringify(faults)}:\n${findings.map((f) => `  ${formatFinding(f)}`).join('\n')}`);
    return findings;
  };

  it('intact models pass', async () => {
    expect((await run({})).map((f) => f.kind)).toEqual(['pass', 'pass']);
  }, 120_000);

  it('a corrupted checkpoint (50 % relative weight noise) is reported as a regression for each model', async () => {
    expect((await run({ checkpoint: { kind: 'weight-noise', relative: 0.5, seed: 1 } })).map((f) => f.kind)).toEqual(['regressed', 'regressed']);
  }, 120_000);

  it('a sampler bug (half the Heun steps) is reported as a regression for each model', async () => {
    expect((await run({ sampler: { kind: 'half-steps' } })).map((f) => f.kind)).toEqual(['regressed', 'regressed']);
  }, 120_000);

  it('a sampler bug (wrong sign of the velocity) is reported as a regression', async () => {
    const [f] = await checkBaselines(baselines, { only: [MODELS[0]], faults: { sampler: { kind: 'velocity-scale', factor: -1 } } });
    console.log(formatFinding(f));
    expect(f.kind).toBe('regressed');
  }, 120_000);
});
