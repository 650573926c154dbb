import { describe, expect, it } from 'vitest';
import { callerCwd } from './caller-cwd.js';

describe('callerCwd: relative paths mean the folder the user ran the command in', () => {
  it('npm run pfgm / doctor: the caller folder npm keeps in INIT_CWD', () => {
    expect(callerCwd({ npm_lifecycle_event: 'pfgm', INIT_CWD: '/home/u/exp' }, '/repo')).toBe('/home/u/exp');
    expect(callerCwd({ npm_lifecycle_event: 'doctor', INIT_CWD: '/home/u' }, '/repo')).toBe('/home/u');
  });

  it('anything else (node bin/pfgm.mjs, the test runner under npm test) keeps its cwd', () => {
    expect(callerCwd({}, '/here')).toBe('/here');
    expect(callerCwd({ npm_lifecycle_event: 'test', INIT_CWD: '/elsewhere' }, '/here')).toBe('/here');
  });
});
