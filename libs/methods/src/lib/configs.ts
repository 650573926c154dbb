import type { PfgmConfig, PfgmppConfig, VpConfig } from './types.js';

/** Datasets with official hyperparameter tables. */
export type Dataset = 'cifar10' | 'celeba64' | 'lsun-bedroom256';

/** PFGM configs per dataset (`configs/poisson/*.py`, `configs/default_*_configs.py`, spec §1.6); `time: 'official'` (RK45 in ln z, Euler/Heun in z). */
export function pfgmConfig(dataset: Dataset = 'cifar10', overrides: Partial<Omit<PfgmConfig, 'kind'>> = {}): PfgmConfig {
  const base: PfgmConfig = {
    kind: 'pfgm', zMax: 40, zMin: 1e-3, upperNorm: 3000, gamma: 5, zExp: 5, M: 291, tau: 0.03, sigma: 0.01,
    restrictM: true, time: 'official', condition: 'z', reduce: 'sum',
  };
  const perDataset: Record<Dataset, Partial<PfgmConfig>> = {
    cifar10: {},
    celeba64: { zMax: 60, upperNorm: 6000, zExp: 1 },
    'lsun-bedroom256': { zMax: 100, upperNorm: 30000, zExp: 0.1, M: 356, reduce: 'mean' },
  };
  return { ...base, ...perDataset[dataset], ...overrides, kind: 'pfgm' };
}

/**
 * PFGM++ config (`generate.py`, `train.py`; EDM defaults, spec §4.3–4.7). D = 128 is the `--aug_dim` default;
 * D = Infinity is EDM. The official LSUN setting scales training σ by 380/80: pass pMean = −1.2 + ln(380/80).
 */
export function pfgmppConfig(D = 128, overrides: Partial<Omit<PfgmppConfig, 'kind' | 'D'>> = {}): PfgmppConfig {
  return { kind: 'pfgmpp', D, sigmaMin: 0.002, sigmaMax: 80, sigmaData: 0.5, rho: 7, pMean: -1.2, pStd: 1.2, clipBeta: 1e-3, ...overrides };
}

/** EDM (Karras et al. 2022) = PFGM++ with D = ∞. */
export function edmConfig(overrides: Partial<Omit<PfgmppConfig, 'kind' | 'D'>> = {}): PfgmppConfig {
  return pfgmppConfig(Infinity, overrides);
}

/** VP-ODE config (score_sde `configs/vp/*_continuous.py`, spec §6). */
export function vpConfig(overrides: Partial<Omit<VpConfig, 'kind'>> = {}): VpConfig {
  return { kind: 'vp', betaMin: 0.1, betaMax: 20, epsT: 1e-3, epsTrain: 1e-5, denoise: true, ...overrides };
}

/** Sampling budgets of the papers: EDM grid steps n (NFE 2n − 1 with Heun). CIFAR-10 18 (NFE 35), FFHQ/AFHQ 64² 40 (NFE 79). */
export const EDM_STEPS = { cifar10: 18, ffhq64: 40 } as const;
