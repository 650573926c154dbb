import { describe, expect, it } from 'vitest';
import { preset } from '@pfgm/networks';
import { fitNetToShape } from './fit-net-to-shape.js';

describe('fitNetToShape', () => {
  it('moves U-Net attention to the same level on 28×28 (16 → 14) and keeps 32×32 and MLPs as they are', () => {
    const small = preset('ddpmpp-small');
    expect(fitNetToShape(small, [28, 28, 1])).toMatchObject({ attnResolutions: [14] });
    expect(fitNetToShape(small, [32, 32, 3])).toBe(small);
    expect(fitNetToShape(preset('mlp'), [2])).toEqual(preset('mlp'));
  });

  it('drops attention that has no level at the new side', () => {
    expect(fitNetToShape(preset('ddpmpp-small', { attnResolutions: [4] }), [28, 28, 1])).toMatchObject({ attnResolutions: [] });
  });
});
