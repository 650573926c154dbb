import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '@pfgm/tensor';
import { runExperiment } from '../harness/run-experiment.js';
import { toyTable } from './toy-table.js';

const root = mkdtempSync(join(tmpdir(), 'toy-table-it-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('toy-table ci preset, end to end', () => {
  it('trains, samples, scores and writes the run folder; re-running the finished run is refused', async () => {
    await initBackend('wasm', { log: () => undefined });
    // The whole ci preset (issue 8: every target runs its ci preset in CI): 4 methods × {net, oracle}.
    const override = {};
    const log = () => undefined;
    const r = await runExperiment(toyTable, { preset: 'ci', out: root, runId: 'it', override, log });
    expect(r.ran).toBe(8);
    for (const f of ['config.json', 'provenance.json', 'metrics.csv', 'metrics.md', 'DONE', 'sw2-vs-nfe-8gaussians.svg', 'sw2-vs-nfe-8gaussians.png', 'cells/8gaussians-pfgmpp-d128-oracle/samples.png']) {
      expect(existsSync(join(r.dir, f)), f).toBe(true);
    }
    expect(r.rows).toHaveLength(16); // 4 methods × {net, oracle} × {RK45, Euler 10}
    const oracleRk45 = r.rows.filter((x) => x.source === 'oracle' && x.solver === 'RK45');
    for (const row of oracleRk45) {
      // The exact field of 200 training points: samples land near the data, SW2 of a finite sample (≈ 0.4–0.5) not of noise (≈ 30+).
      expect(Number(row.sw2)).toBeLessThan(1);
      expect(Number(row.nfe)).toBeGreaterThan(10);
    }
    expect(readFileSync(join(r.dir, 'metrics.csv'), 'utf8').split('\n')[0]).toContain('sw2');
    await expect(runExperiment(toyTable, { preset: 'ci', out: root, runId: 'it', override, log })).rejects.toThrow(/refusing to overwrite/);
  }, 240_000);
});
