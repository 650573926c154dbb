import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { readBaselines, REPO_ROOT } from './baselines-file.js';
import { allPassed, checkBaselines, formatFinding } from './check-baselines.js';

// The CI regression check of issue 8: re-evaluates the committed toy checkpoints at their CI seed (cpu backend by
// default: ~3 s per model on 2 cores) and fails on a regressed metric, a missing or a changed checkpoint.
describe('regression check of the committed checkpoints (results/baselines.json)', () => {
  const baselines = readBaselines();

  it('lists every committed toy checkpoint', () => {
    const folders = [...new Set(baselines.models.map((m) => dirname(join(REPO_ROOT, m.dir))))];
    const onDisk = folders.flatMap((f) => (existsSync(f) ? readdirSync(f).filter((d) => existsSync(join(f, d, 'checkpoint.safetensors'))) : []));
    const unlisted = onDisk.filter((id) => !baselines.models.some((m) => m.id === id));
    expect(unlisted, `checkpoints without a baseline (regenerate: npm run baselines -w experiments): ${unlisted.join(', ')}`).toEqual([]);
  });

  it('every checked checkpoint exists, is unchanged (sha256) and scores within its tolerance at the CI seed', async () => {
    const findings = await expectNoLeak(() => checkBaselines(baselines));
    const report = findings.map((f) => formatFinding(f)).join('\n');
    console.log(`regression check (${baselines.settings.samples} samples, ${JSON.stringify(baselines.settings.solver)}):\n${report}`);
    expect(allPassed(findings), `\n${report}`).toBe(true);
    expect(findings.filter((f) => f.kind === 'pass')).toHaveLength(baselines.models.filter((m) => m.checked).length);
  }, 240_000);
});
