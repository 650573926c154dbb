import { describe, expect, it } from 'vitest';
import { maxNorm, splitFar } from './far-samples.js';

describe('splitFar / maxNorm', () => {
  it('keeps points with ‖x‖ ≤ R in order and counts the others, NaN and ±Infinity included', () => {
    const x = [3, 4, 0.5, 0.5, 6, 0, NaN, 0, 1, Infinity, -5, 0];
    const { inside, far } = splitFar(x, 2, 5);
    expect(Array.from(inside)).toEqual([3, 4, 0.5, 0.5, -5, 0]);
    expect(far).toBe(3);
    expect(maxNorm([3, 4, 0.5, 0.5, -6, 8], 2)).toBe(10);
  });
});
