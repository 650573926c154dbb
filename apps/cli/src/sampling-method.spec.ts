import { describe, expect, it } from 'vitest';
import { makeMethod, pfgmConfig, vpConfig } from '@pfgm/methods';
import { samplingMethod } from './sampling-method.js';

describe('--time: PFGM`s ODE variable for sampling commands', () => {
  it('keeps the run`s method when absent, and switches only the time variable of a PFGM run', () => {
    const run = makeMethod(pfgmConfig('cifar10'));
    expect(samplingMethod(run, undefined)).toBe(run);
    const lnz = samplingMethod(run, 'log-z');
    expect(lnz.config).toEqual({ ...run.config, time: 'log-z' });
    expect(lnz.timeGrid(2, 'euler')[0]).toBeCloseTo(Math.log(40), 12); // Euler now steps in ln z
    expect(run.timeGrid(2, 'euler')[0]).toBeCloseTo(40, 12); // the official default steps in z
  });

  it('refuses --time for a method that has no z variable, in one line naming the fix', () => {
    expect(() => samplingMethod(makeMethod(vpConfig()), 'z')).toThrow(/--time applies to PFGM runs only.*drop --time/);
  });
});
