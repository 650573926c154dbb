import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchNcsnppReleased, NCSNPP_RELEASED } from './ncsnpp-presets.js';
import { ncsnppKeyMapping, ncsnppToUNet, readScoreSdeCheckpoint } from './score-sde.js';

const counts = JSON.parse(readFileSync(new URL('../fixtures/official-param-counts.json', import.meta.url), 'utf8')) as Record<string, number>;
const paramCount = (name: keyof typeof NCSNPP_RELEASED): number => {
  const { config, io } = ncsnppToUNet(NCSNPP_RELEASED[name]);
  return ncsnppKeyMapping(config, io).reduce((n, m) => n + m.shape.reduce((a, b) => a * b, 1), 0);
};

describe('released NCSN++ configs', () => {
  it('VP presets have the official parameter counts; PFGM adds the extra output channel (3·3·128 + 1)', () => {
    expect(paramCount('vp-cifar10-ddpmpp-continuous')).toBe(counts.ddpmpp);
    expect(paramCount('vp-cifar10-ddpmpp-deep-continuous')).toBe(counts['ddpmpp-deep']);
    expect(paramCount('pfgm-cifar10-ddpmpp') - counts.ddpmpp).toBe(9 * 128 + 1);
  });

  it('identifies a checkpoint by its keys and shapes, or says in one line that none matches', () => {
    for (const name of Object.keys(NCSNPP_RELEASED) as (keyof typeof NCSNPP_RELEASED)[]) {
      const { config, io } = ncsnppToUNet(NCSNPP_RELEASED[name]);
      // Keys and shapes of the released file (values are not looked at when matching).
      const sd = new Map(ncsnppKeyMapping(config, io).map((m) => [m.official, { shape: m.shape, data: new Float32Array(0) }]));
      expect(matchNcsnppReleased(sd).name).toBe(name);
    }
    // The tiny fixtures are none of the released sizes.
    const ck = readScoreSdeCheckpoint(new Uint8Array(readFileSync(new URL('../fixtures/released/poisson-flow-ddpmpp/checkpoint_1.pth', import.meta.url))));
    expect(() => matchNcsnppReleased(ck, 'tiny.pth')).toThrow(/^tiny\.pth: matches none of the released NCSN\+\+ configs \(pfgm-cifar10-ddpmpp, .*\); pass its config explicitly$/);
  });
});
