import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJson, type Provenance } from '@pfgm/report';
import { checkPlan, type Experiment } from './experiment.js';
import { rerenderReport, runExperiment, type CellRecord } from './run-experiment.js';
import { recomputeModelCheck } from './trained-model.js';

interface Cfg {
  n: number;
  failAt?: number;
}

/** A fake sweep: cell k returns one row {k, square}; it can be told to fail at one cell (a killed run). */
function fakeExperiment(calls: number[]): Experiment<Cfg, { id: string; k: number }> {
  return {
    name: 'fake',
    description: 'test double',
    defaultPreset: 'ci',
    presets: { paper: { n: 10 }, cpu: { n: 5 }, ci: { n: 3 } },
    cells: (cfg) => Array.from({ length: cfg.n }, (_, k) => ({ id: `cell-${k}`, k })),
    runCell: async (cell, ctx) => {
      if (cell.k === ctx.cfg.failAt) throw new Error(`boom at ${cell.k}`);
      calls.push(cell.k);
      return [{ k: cell.k, square: cell.k * cell.k }];
    },
  };
}

describe('runExperiment', () => {
  let root: string;
  const quiet = () => undefined;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'exp-harness-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes config, provenance, per-cell records, metrics.csv and DONE', async () => {
    const calls: number[] = [];
    const r = await runExperiment(fakeExperiment(calls), { out: root, runId: 'r1', log: quiet, backend: { name: 'cpu', threads: 1 } });
    expect(calls).toEqual([0, 1, 2]);
    expect(r.dir).toBe(join(root, 'fake', 'r1'));
    for (const f of ['config.json', 'provenance.json', 'metrics.csv', 'metrics.md', 'DONE', 'cells/cell-0.json', 'cells/cell-2.json']) expect(existsSync(join(r.dir, f)), f).toBe(true);
    expect(readFileSync(join(r.dir, 'metrics.csv'), 'utf8').trim().split('\n')).toEqual(['k,square', '0,0', '1,1', '2,4']);
    const prov = readJson<Provenance>(join(r.dir, 'provenance.json'));
    expect(prov.backend).toBe('cpu');
    expect(prov.git.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(prov.wallSeconds).toBeGreaterThanOrEqual(0);
    // Each cell names the commit and backend that computed it (a resumed run may span sessions and commits).
    const cell = readJson<CellRecord>(join(r.dir, 'cells/cell-1.json'));
    expect(cell.computedBy?.commit).toBe(prov.git.commit);
    expect(cell.computedBy?.backend).toBe(tf.getBackend());
    expect(readJson<{ preset: string; cfg: Cfg }>(join(r.dir, 'config.json'))).toMatchObject({ preset: 'ci', cfg: { n: 3 } });
  });

  it('refuses to resume a run with another config', async () => {
    const calls: number[] = [];
    const exp = fakeExperiment(calls);
    await expect(runExperiment(exp, { out: root, runId: 'r2', log: quiet, override: { failAt: 2 } })).rejects.toThrow(/boom at 2/);
    expect(calls).toEqual([0, 1]);
    expect(existsSync(join(root, 'fake', 'r2', 'metrics.csv'))).toBe(false);
    await expect(runExperiment(exp, { out: root, runId: 'r2', log: quiet, override: { failAt: 99 } })).rejects.toThrow(/another config/);
    expect(calls).toEqual([0, 1]);
  });

  it('skips finished cells on resume and refuses to overwrite a finished run', async () => {
    const calls: number[] = [];
    const exp = fakeExperiment(calls);
    await expect(runExperiment({ ...exp, runCell: async (c, ctx) => (c.k === 1 ? Promise.reject(new Error('killed')) : exp.runCell(c, ctx)) }, { out: root, runId: 'r3', log: quiet })).rejects.toThrow(/killed/);
    expect(calls).toEqual([0]);
    const r = await runExperiment(exp, { out: root, runId: 'r3', log: quiet });
    expect(calls).toEqual([0, 1, 2]);
    expect(r).toMatchObject({ ran: 2, skipped: 1 });
    expect(r.rows.map((x) => x.k)).toEqual([0, 1, 2]);
    await expect(runExperiment(exp, { out: root, runId: 'r3', log: quiet })).rejects.toThrow(/finished.*refusing to overwrite/);
    const again = await runExperiment(exp, { out: root, runId: 'r3', log: quiet, overwrite: true });
    expect(again).toMatchObject({ ran: 3, skipped: 0 });
  });

  it('runs single cells (the Nx-cached unit) and finishes the run once every cell has its record', async () => {
    const calls: number[] = [];
    const exp = fakeExperiment(calls);
    const one = await runExperiment(exp, { out: root, runId: 'r4', log: quiet, only: ['cell-2'] });
    expect(calls).toEqual([2]);
    expect(one).toMatchObject({ ran: 1, missing: ['cell-0', 'cell-1'], files: [] });
    expect(existsSync(join(one.dir, 'cells/cell-2.json'))).toBe(true);
    expect(existsSync(join(one.dir, 'DONE'))).toBe(false);
    await runExperiment(exp, { out: root, runId: 'r4', log: quiet, only: ['cell-0'] });
    const all = await runExperiment(exp, { out: root, runId: 'r4', log: quiet });
    expect(calls).toEqual([2, 0, 1]);
    expect(all).toMatchObject({ ran: 1, skipped: 2, missing: [] });
    expect(all.rows.map((x) => x.k)).toEqual([0, 1, 2]);
    expect(existsSync(join(all.dir, 'DONE'))).toBe(true);
    await expect(runExperiment(exp, { out: root, runId: 'r5', log: quiet, only: ['cell-9'] })).rejects.toThrow(/no cell "cell-9" in the ci plan; its cells are cell-0, cell-1, cell-2/);
  });

  it('re-renders a finished run\'s report from its cell records without computing', async () => {
    const calls: number[] = [];
    const exp = { ...fakeExperiment(calls), report: async () => ['plot.svg'] };
    const r = await runExperiment(exp, { out: root, runId: 'r6', log: quiet });
    rmSync(join(r.dir, 'metrics.csv'));
    writeFileSync(join(r.dir, 'DONE'), '');
    expect(await rerenderReport(exp, r.dir, quiet)).toEqual(['metrics.csv', 'metrics.md', 'plot.svg']);
    expect(calls).toEqual([0, 1, 2]);
    expect(readFileSync(join(r.dir, 'metrics.csv'), 'utf8').trim().split('\n')).toEqual(['k,square', '0,0', '1,1', '2,4']);
    expect(readJson<{ note: string }>(join(r.dir, 'report-provenance.json')).note).toMatch(/nothing recomputed/);
    await expect(rerenderReport(exp, join(root, 'fake', 'nope'), quiet)).rejects.toThrow(/not a finished run/);
  });

  it('recomputes named cells of a finished run, keeping the old records under superseded/, and refuses bad recompute input', async () => {
    const calls: number[] = [];
    const exp = fakeExperiment(calls);
    const first = await runExperiment(exp, { out: root, runId: 'rc', log: quiet, override: { n: 4 } });
    const old = readFileSync(join(first.dir, 'cells/cell-1.json'), 'utf8');
    calls.length = 0;
    const r = await runExperiment(exp, { out: root, runId: 'rc', log: quiet, override: { n: 4 }, recompute: ['cell-1', 'cell-*3'] });
    expect(calls).toEqual([1, 3]);
    expect(r.ran).toBe(2);
    expect(r.skipped).toBe(2);
    expect(existsSync(join(r.dir, 'DONE'))).toBe(true);
    expect(readFileSync(join(r.dir, 'metrics.csv'), 'utf8').trim().split('\n')).toEqual(['k,square', '0,0', '1,1', '2,4', '3,9']);
    const [stamp, ...more] = readdirSync(join(r.dir, 'superseded'));
    expect(more).toEqual([]);
    const kept = join(r.dir, 'superseded', stamp);
    expect(readFileSync(join(kept, 'cells/cell-1.json'), 'utf8')).toBe(old);
    expect(readdirSync(join(kept, 'cells')).sort()).toEqual(['cell-1.json', 'cell-3.json']);
    for (const f of ['DONE', 'metrics.csv', 'metrics.md', 'config.json', 'provenance.json']) expect(existsSync(join(kept, f)), f).toBe(true);
    expect(readJson<{ recompute: string[] }>(join(kept, 'why.json')).recompute).toEqual(['cell-1', 'cell-3']);
    await expect(runExperiment(exp, { out: root, runId: 'rc', log: quiet, override: { n: 4 }, recompute: ['vp-*'] })).rejects.toThrow(/recompute "vp-\*" matches no cell of the plan; its cells are cell-0, cell-1, cell-2, cell-3/);
    await expect(runExperiment(exp, { out: root, log: quiet, recompute: ['cell-1'] })).rejects.toThrow(/needs the run id/);
    await expect(runExperiment(exp, { out: root, runId: 'rc', overwrite: true, log: quiet, override: { n: 4 }, recompute: ['cell-1'] })).rejects.toThrow(/exclude each other/);
    await expect(runExperiment(exp, { out: root, runId: 'nope', log: quiet, recompute: ['cell-1'] })).rejects.toThrow(/not an existing run/);
    expect(existsSync(join(root, 'fake', 'nope', 'config.json'))).toBe(false);
    expect(calls).toEqual([1, 3]);
  });

  it('tells a recomputed cell which model its old record used, and the model check refuses another or an untrained one', async () => {
    const seen: Array<{ k: number; models: readonly string[] | undefined }> = [];
    const exp: Experiment<Cfg, { id: string; k: number }> = {
      ...fakeExperiment([]),
      runCell: async (cell, ctx) => {
        seen.push({ k: cell.k, models: ctx.recomputeOf?.models });
        return [{ k: cell.k, model: `m-${cell.k}` }];
      },
    };
    await runExperiment(exp, { out: root, runId: 'rm', log: quiet });
    seen.length = 0;
    await runExperiment(exp, { out: root, runId: 'rm', log: quiet, recompute: ['cell-2'] });
    expect(seen).toEqual([{ k: 2, models: ['m-2'] }]);
    // A recompute refused before any new record (here: the cell throws) puts the old records and the DONE marker back.
    const before = readFileSync(join(root, 'fake', 'rm', 'cells', 'cell-1.json'), 'utf8');
    const refusing: typeof exp = { ...exp, runCell: async () => { throw new Error('recompute: refused'); } };
    await expect(runExperiment(refusing, { out: root, runId: 'rm', log: quiet, recompute: ['cell-1'] })).rejects.toThrow(/^recompute: refused \(the run was left as it was: its old records are back\)$/);
    expect(readFileSync(join(root, 'fake', 'rm', 'cells', 'cell-1.json'), 'utf8')).toBe(before);
    for (const f of ['DONE', 'metrics.csv', 'metrics.md']) expect(existsSync(join(root, 'fake', 'rm', f)), f).toBe(true);
    expect(readdirSync(join(root, 'fake', 'rm', 'superseded'))).toHaveLength(1); // only the earlier recompute's folder
    // An interrupted recompute (its record already moved, no new one) still tells the cell its old model.
    const stamp = readdirSync(join(root, 'fake', 'rm', 'superseded'))[0];
    rmSync(join(root, 'fake', 'rm', 'cells', 'cell-2.json'));
    rmSync(join(root, 'fake', 'rm', 'DONE'));
    rmSync(join(root, 'fake', 'rm', 'metrics.csv'));
    seen.length = 0;
    await runExperiment(exp, { out: root, runId: 'rm', log: quiet, recompute: ['cell-2'] });
    expect(seen).toEqual([{ k: 2, models: ['m-2'] }]);
    expect(existsSync(join(root, 'fake', 'rm', 'superseded', stamp, 'cells', 'cell-2.json'))).toBe(true);
    expect(() => recomputeModelCheck({}, 'c', 'any', false)).not.toThrow(); // not a recompute: the store may train
    expect(() => recomputeModelCheck({ recomputeOf: { models: ['m-2'] } }, 'c', 'm-2', true)).not.toThrow();
    expect(() => recomputeModelCheck({ recomputeOf: { models: ['m-2'] } }, 'c', 'm-3', true)).toThrow(/cell c would use model m-3, its old record used m-2 .*a recompute must reuse the old model/);
    expect(() => recomputeModelCheck({ recomputeOf: { models: ['m-2'] } }, 'c', 'm-2', false)).toThrow(/not a finished model in the store; a recompute never trains/);
  });

  it('rejects a bad plan or preset with a clear error', async () => {
    expect(() => checkPlan('x', [])).toThrow(/no cells/);
    expect(() => checkPlan('x', [{ id: 'a' }, { id: 'a' }])).toThrow(/share the id "a"/);
    expect(() => checkPlan('x', [{ id: 'A b' }])).toThrow(/lower-case/);
    await expect(runExperiment(fakeExperiment([]), { out: root, preset: 'nope' as 'ci', log: quiet })).rejects.toThrow(/unknown preset "nope"/);
  });
});
