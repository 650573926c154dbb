import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson } from '@pfgm/report';
import { initBackend } from '@pfgm/tensor';
import type { Row } from '../harness/experiment.js';
import { listFiles, runExperiment } from '../harness/run-experiment.js';
import { EXPERIMENTS } from '../registry.js';
import type { ImageTableConfig } from './image-experiment.js';
import { metricColumns } from './image-metric.js';

// Issue 8: every target runs its `ci` preset in CI. The image targets train tiny U-Nets for a few steps on real
// Fashion-MNIST or on the generated CIFAR-format stand-in scored with synthetic Inception weights (a plumbing check).
// Budget: ≈ 4 min on 2 idle cores (wasm); the slowest target ≈ 71 s idle. Its timeout (15 min per target, ≈ 12× idle)
// is wide on purpose: under a load of 10 on 2 cores one target took 302 s, and a timeout must not fail a busy CI.
const root = mkdtempSync(join(tmpdir(), 'image-presets-it-'));
beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

// In registry order: fmnist-table trains the PFGM and VP-ODE models that euler-sweep then reuses from <out>/models.
const IMAGE_TARGETS = Object.keys(EXPERIMENTS).filter((n) => n !== 'toy-table');
const log = () => undefined;
const TABLES = ['cifar10-table', 'arch-sweep'];

/** Checks beyond the common ones, per target. */
const EXTRA: Record<string, (rows: Row[]) => void> = {
  'euler-sweep': (rows) => expect(rows.map((r) => Number(r.train_s)), 'models reused from fmnist-table').toEqual(rows.map(() => 0)),
  'cifar10-table': (rows) => {
    const rk45 = rows.filter((r) => r.solver === 'RK45');
    expect(rk45.map((r) => r.method).sort()).toEqual(['PFGM', 'VP-ODE']);
    for (const r of rk45) expect(Number.isFinite(Number(r.bpd)) || typeof r.bpd_note === 'string', JSON.stringify(r)).toBe(true);
    for (const r of rows.filter((x) => x.solver !== 'RK45')) expect(r.bpd).toBeUndefined();
  },
};

describe('image experiments, ci preset end to end (wasm)', () => {
  it.each(IMAGE_TARGETS)('%s: trains, samples, scores, plots; one row per cell', async (name) => {
    const exp = EXPERIMENTS[name];
    const ci = exp.presets.ci as ImageTableConfig;
    const r = await runExperiment(exp, { preset: 'ci', out: root, runId: 'it', log });
    expect(r.ran).toBe(exp.cells(ci).length);
    expect(r.rows.length).toBeGreaterThanOrEqual(r.ran);
    for (const f of ['config.json', 'provenance.json', 'metrics.csv', 'metrics.md', 'DONE']) expect(existsSync(join(r.dir, f)), f).toBe(true);
    // Sweeps draw the papers' curves (metric vs NFE, vs D, robustness); the two tables are tables only.
    if (!TABLES.includes(name)) expect(r.files.some((f) => f.endsWith('.png')), `a plot among ${r.files}`).toBe(true);
    const fd = metricColumns(ci.metric).fd;
    expect(r.rows.filter((row) => Number.isFinite(Number(row[fd]))).length, `rows with a finite ${fd}`).toBeGreaterThan(0);
    expect(listFiles(r.dir).some((f) => f.endsWith('samples.png'))).toBe(true);
    // CIFAR-based presets run on stand-ins and must say so wherever their numbers go; Fashion-MNIST ones are smoke runs.
    const label = readJson<{ label: string | null }>(join(r.dir, 'config.json')).label;
    expect(label).toMatch(ci.data.kind === 'standin-cifar10' ? /^PLUMBING CHECK/ : /^smoke run/);
    expect(readFileSync(join(r.dir, 'metrics.md'), 'utf8')).toContain(label);
    EXTRA[name]?.(r.rows);
  }, 900_000);
});
