import { describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../registry.js';

// Issue 12, fix 4: the papers' CIFAR-10 FIDs are against training-set statistics (score_sde/PFGM: the precomputed
// CIFAR-10 training stats; EDM/PFGM++: `fid.py ref` over the training zip). Fashion-MNIST scores against the test split
// because the FD-FMNIST classifier was trained on the training images.
const CIFAR = ['cifar10-table', 'd-sweep', 'arch-sweep', 'robustness'];
const FMNIST = ['fmnist-table', 'euler-sweep'];

describe('reference split of the image metrics', () => {
  it.each(CIFAR)('%s: every CIFAR-10 preset scores against the training split (its Fashion-MNIST claims preset, the test split)', (name) => {
    const presets = EXPERIMENTS[name].presets as Record<string, { refSplit?: string; data: { kind: string } }>;
    for (const [preset, cfg] of Object.entries(presets)) {
      expect(`${preset}: ${cfg.refSplit}`).toBe(`${preset}: ${cfg.data.kind === 'fmnist' ? 'test' : 'train'}`);
    }
  });

  it.each(FMNIST)('%s: every preset scores against the held-out test split (the FD classifier saw the training images)', (name) => {
    const presets = EXPERIMENTS[name].presets as Record<string, { refSplit?: string }>;
    for (const [preset, cfg] of Object.entries(presets)) expect(`${preset}: ${cfg.refSplit}`).toBe(`${preset}: test`);
  });
});
