import { describe, expect, it } from 'vitest';
import { methodConfigFor } from './defaults.js';

describe('methodConfigFor: PFGM on data without an official config follows the official tables', () => {
  it('Fashion-MNIST 28×28 gets z_exp 5 (CIFAR-10`s, the nearest official config), not 0, and the official sampler variables', () => {
    const c = methodConfigFor('pfgm', { shape: [28, 28, 1], avgNorm: 23, cifar10: false });
    if (c.kind !== 'pfgm') throw new Error('expected a PFGM config');
    expect(c.zExp).toBe(5);
    expect(c.time).toBe('official');
    expect(c.likelihoodZExp).toBeUndefined(); // the likelihood's official 5
  });

  it('2-D toys get z_exp 5 too; CIFAR-10 keeps its official config', () => {
    const toy = methodConfigFor('pfgm', { shape: [2], avgNorm: 2, cifar10: false });
    const cifar = methodConfigFor('pfgm', { shape: [32, 32, 3], avgNorm: 30, cifar10: true });
    expect(toy.kind === 'pfgm' && toy.zExp).toBe(5);
    expect(cifar).toMatchObject({ kind: 'pfgm', zMax: 40, zExp: 5, upperNorm: 3000, M: 291, time: 'official' });
  });
});
