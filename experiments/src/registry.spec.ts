import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPlan, PRESET_NAMES } from './harness/experiment.js';
import { CELLS_DIR, resolvedConfig } from './harness/run-experiment.js';
import { EXPERIMENTS, experimentByName } from './registry.js';

describe('experiment registry', () => {
  it.each(Object.keys(EXPERIMENTS))('%s: every preset plans well-formed, unique cells', (name) => {
    const exp = experimentByName(name);
    expect(exp.name).toBe(name);
    for (const p of PRESET_NAMES) {
      const { cfg } = resolvedConfig(exp, p);
      expect(() => checkPlan(`${name}/${p}`, exp.cells(cfg))).not.toThrow();
    }
    expect(exp.cells(exp.presets.ci).length).toBeLessThanOrEqual(exp.cells(exp.presets.paper).length);
  });

  it('names an unknown experiment clearly', () => {
    expect(() => experimentByName('nope')).toThrow(/unknown experiment "nope"; expected one of .*toy-table/);
  });
});

describe('Nx target `cell` (one cacheable, distributable unit per cell)', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const target = pkg.nx.targets.cell;
  it('caches exactly the files the harness writes for one cell, keyed by the sources and the backend', () => {
    expect(target.cache).toBe(true);
    expect(target.outputs).toEqual([
      `{workspaceRoot}/results/{options.experiment}/{options.runId}/${CELLS_DIR}/{options.cell}.json`,
      `{workspaceRoot}/results/{options.experiment}/{options.runId}/${CELLS_DIR}/{options.cell}`,
    ]);
    expect(target.inputs).toEqual(expect.arrayContaining(['production', '^production', { env: 'PFGM_BACKEND' }]));
    expect(target.options.command).toMatch(/src\/main\.ts \{args\.experiment\} --preset \{args\.preset\} --run-id \{args\.runId\} --cell \{args\.cell\}/);
  });
});
