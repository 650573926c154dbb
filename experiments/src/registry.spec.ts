import { describe, expect, it } from 'vitest';
import { checkPlan, PRESET_NAMES } from './harness/experiment.js';
import { resolvedConfig } from './harness/run-experiment.js';
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
