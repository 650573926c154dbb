import { describe, expect, it } from 'vitest';
import { checkDomain, DIMENSION, domainMessage, inDomain, NON_NEGATIVE, NON_NEGATIVE_INT, parseInDomain, POSITIVE, POSITIVE_INT, UNIT } from './domains.js';

describe('numeric option domains', () => {
  it.each([
    [POSITIVE_INT, [1, 7, 2 ** 40], [0, -5, 1.5, NaN, Infinity]],
    [NON_NEGATIVE_INT, [0, 3], [-1, 0.5]],
    [POSITIVE, [1e-9, 3], [0, -1, NaN, Infinity]],
    [NON_NEGATIVE, [0, 2.5], [-1e-9, NaN]],
    [UNIT, [0, 0.9999], [1, 2, -0.1, NaN]],
    [DIMENSION, [1, 128, Infinity], [0, -1, 2.5, NaN, -Infinity]],
  ])('%o accepts its values and refuses the rest', (d, good, bad) => {
    for (const v of good) expect(inDomain(v, d), String(v)).toBe(true);
    for (const v of bad) expect(inDomain(v, d), String(v)).toBe(false);
  });

  it('says what was expected and what came, in one line', () => {
    expect(domainMessage('--ema', 2, UNIT)).toBe('--ema must be a number in [0, 1), got 2');
    expect(() => checkDomain('--steps', 0, POSITIVE_INT)).toThrow('--steps must be a positive integer (≥ 1), got 0');
  });

  it('parses command-line words ("inf" only for dimensions; empty is not 0)', () => {
    expect(parseInDomain('--D', 'inf', DIMENSION)).toBe(Infinity);
    expect(parseInDomain('--lr', '2e-4', POSITIVE)).toBe(2e-4);
    expect(() => parseInDomain('--lr', 'inf', POSITIVE)).toThrow(/--lr must be a number > 0, got "inf"/);
    expect(() => parseInDomain('--warmup', '', NON_NEGATIVE_INT)).toThrow(/got ""/);
  });
});
