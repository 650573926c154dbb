import { OFFICIAL_Z_EXP, pfgmRecipe, pfgmZExp } from '@pfgm/field';
import { BN_EPS, INCEPTION_CLASSES, INCEPTION_POOL_DIM, INCEPTION_SIZE } from '@pfgm/eval';
import {
  EDM_STEPS, LIKELIHOOD_Z_EXP, VZ_EPS, edmCoefficients, edmConfig, makeMethod, pfgmConfig, pfgmTrainingDefaults, pfgmppConfig, pfgmppTrainingDefaults,
  timeVariable, vpConfig, vpTrainingDefaults,
} from '@pfgm/methods';
import { numGroups, preset } from '@pfgm/networks';
import { edmGrid, vpGrid } from '@pfgm/ode';
import { methodConfigFor, solverSpec, trainDefaultsFor, type DataFacts, type MethodName } from '@pfgm/runs';
import { edmEmaDecay, warmupLr } from '@pfgm/train';
import { CIFAR_BASE } from '../images/cifar-base.js';
import { cifar10Table } from '../images/cifar10-table.js';
import { eulerSweep } from '../images/euler-sweep.js';
import { FMNIST_BASE } from '../images/fmnist-base.js';
import { cellModelSpec } from '../images/image-sweep.js';
import { bpdTol, type BpdConfig } from '../images/image-bpd.js';
import { robustness } from '../images/robustness.js';
import { toyTable } from '../toy-table/toy-table.js';
import {
  defaultBpdOffset, defaultInceptionMode, dequantizedBins, emaShareAfterFirstStep, heunNfe, lossWeight, networkLabel, pfgmPriorClip, pfgmRk45StateEntries, quantFilterProbe, sig, sphereConstantBpdShift, vpDenoisesAfterEuler, vpEulerStep, vpScoreScale,
} from './probes.js';
import { src, type SourceRef } from './sources.js';

// ----------------------------------------------------------------------------
// The fidelity table (issue #12 item 6): every method / sampler / training default, the value the code has today
// (read by `get` from the real config and defaults functions), the official value and the file:line it comes from.
// `fidelity.spec.ts` fails when `get()` no longer gives `value`: change the table with the reason, then regenerate
// FIDELITY.md (`npx tsx --conditions=@pfgm/source experiments/src/fidelity/write.ts`).
// ----------------------------------------------------------------------------

/** A plain value: what a default is, in a form that compares exactly. */
export type Value = number | string | boolean | null | readonly Value[] | { readonly [k: string]: Value };

/** Sections of FIDELITY.md, in order. */
export const GROUPS = [
  'PFGM',
  'PFGM++ / EDM',
  'VP-ODE',
  'Solvers and samplers',
  'Training',
  'Likelihood and bits/dim',
  'Evaluation',
  'Experiment presets vs the papers',
] as const;
export type Group = (typeof GROUPS)[number];

/**
 * - official: the value is the official code's (`official` equals `value`).
 * - rule: no official config covers this case (data other than CIFAR-10 / CelebA / LSUN, 2-D toys); `note` is the rule.
 * - deviation: the project differs on purpose or by budget, or a difference found here and still open; `note` says
 *   why and what number it changes.
 */
export type Status = 'official' | 'rule' | 'deviation';

/** Why a deviation exists: a deliberate choice, the CPU budget, or a difference not yet decided (`open`). */
export type DeviationKind = 'deliberate' | 'budget' | 'open';

export interface FidelityEntry {
  /** Stable id (kebab-case, unique). */
  id: string;
  group: Group;
  /** What the default is, in plain words. */
  what: string;
  /** Where the project's value lives (file and function/constant). */
  code: string;
  /** Reads the project's value from the code today. */
  get: () => Value | Promise<Value>;
  /** The value recorded in this table; the spec requires get() to equal it. */
  value: Value;
  /** The official value (absent for a rule). */
  official?: Value;
  /** Official file:line (or the project file that documents the rule). */
  source: readonly SourceRef[];
  status: Status;
  deviation?: DeviationKind;
  /** rule: the rule; deviation: why, and the number it changes; official: optional remark. */
  note?: string;
}

// Data facts of the image sets without an official config (the committed models' recorded average norms).
/** Fashion-MNIST 28×28, mean L2 norm of the 60k training images in [−1, 1] (data.avgNorm in results/models/fmnist-pfgm-ddpmpp-small-f4fb7e156125/config.json). */
export const FMNIST28_AVG_NORM = 23.003555295557177;
/** 8 Gaussians toy, mean L2 norm of its training points (results/toy-table/cpu-2026-11-25/shared/models/8gaussians-pfgm/config.json). */
export const TOY_8GAUSSIANS_AVG_NORM = 2.847417748341109;

const FMNIST28: DataFacts = { shape: [28, 28, 1], avgNorm: FMNIST28_AVG_NORM, cifar10: false };
const CIFAR10: DataFacts = { shape: [32, 32, 3], avgNorm: 30, cifar10: true };
const TOY: DataFacts = { shape: [2], avgNorm: TOY_8GAUSSIANS_AVG_NORM, cifar10: false };

const PF = (at: string, ...has: string[]) => src('Poisson_flow', at, ...has);
const PP = (at: string, ...has: string[]) => src('pfgmpp', at, ...has);
const SS = (at: string, ...has: string[]) => src('score_sde', at, ...has);
const EDM = (at: string, ...has: string[]) => src('edm', at, ...has);
const OURS = (at: string, ...has: string[]) => src('project', at, ...has);

function pfgmCfg(name: MethodName, facts: DataFacts) {
  const c = methodConfigFor(name, facts);
  if (c.kind !== 'pfgm') throw new Error('fidelity: expected a PFGM config');
  return c;
}

/** The fields of trainDefaultsFor that have an official counterpart. */
function trainPaper(name: MethodName): Value {
  const d = trainDefaultsFor(name, 'paper');
  return {
    lr: d.lr, warmupSteps: d.warmup, gradClip: d.gradClip, ema: d.ema.kind === 'decay' ? d.ema.beta : `half-life ${d.ema.images} img, ramp-up ${d.ema.rampup}`,
    batchSize: d.batchSize, referenceSize: d.referenceSize ?? null, flip: d.flip ?? false,
  };
}

/** `hyper-parameters.py` restated (σ = 0.01, τ = 0.03): M, z_max, upper_norm to 4 significant digits. */
function officialRecipe(norm: number, N: number): Value {
  const M = Math.trunc((0.75 * Math.log(norm ** 2 / (2 * Math.sqrt(N) * 1e-4))) / Math.log(1.03)) + 1;
  return { M, zMax: sig(Math.sqrt(2 / Math.PI) * 0.01 * 1.03 ** M, 4), upperNorm: sig(Math.sqrt(N) * 0.01 * 1.03 ** M, 4) };
}

const linspace = (a: number, b: number, n: number) => Array.from({ length: n + 1 }, (_, i) => (i === n ? b : a + ((b - a) * i) / n));
const edmSigma = (i: number, n: number) => (80 ** (1 / 7) + (i / (n - 1)) * (0.002 ** (1 / 7) - 80 ** (1 / 7))) ** 7;

// ----------------------------------------------------------------------------
// PFGM
// ----------------------------------------------------------------------------

const pfgm: FidelityEntry[] = [
  {
    id: 'pfgm-cifar10-config', group: 'PFGM', what: 'CIFAR-10: z_max, z_min (= ε), upper_norm, γ, M, τ, σ (sigma_end), restrict_M',
    code: 'libs/methods/src/lib/configs.ts pfgmConfig', status: 'official',
    get: () => { const c = pfgmConfig('cifar10'); return { zMax: c.zMax, zMin: c.zMin, upperNorm: c.upperNorm, gamma: c.gamma, M: c.M, tau: c.tau, sigma: c.sigma, restrictM: c.restrictM }; },
    value: { zMax: 40, zMin: 1e-3, upperNorm: 3000, gamma: 5, M: 291, tau: 0.03, sigma: 0.01, restrictM: true },
    official: { zMax: 40, zMin: 1e-3, upperNorm: 3000, gamma: 5, M: 291, tau: 0.03, sigma: 0.01, restrictM: true },
    source: [
      PF('configs/poisson/cifar10_ddpmpp.py:47', 'z_max', '40'), PF('configs/poisson/cifar10_ddpmpp.py:48', 'z_min', '1e-3'),
      PF('configs/poisson/cifar10_ddpmpp.py:49', 'upper_norm', '3000'), PF('configs/poisson/cifar10_ddpmpp.py:29', 'gamma', '5'),
      PF('configs/default_cifar10_configs.py:20', 'M', '291'), PF('configs/poisson/cifar10_ddpmpp.py:31', 'tau', '0.03'),
      PF('configs/poisson/cifar10_ddpmpp.py:78', 'sigma_end', '0.01'), PF('configs/poisson/cifar10_ddpmpp.py:30', 'restrict_M', 'True'),
      PF('run_lib.py:118', 'sampling_eps', 'z_min'),
    ],
  },
  {
    id: 'pfgm-cifar10-via-runs', group: 'PFGM', what: 'methodConfigFor(pfgm, CIFAR-10) is exactly the official CIFAR-10 config (no recipe)',
    code: 'libs/runs/src/lib/defaults.ts methodConfigFor', status: 'official',
    get: () => { const c = pfgmCfg('pfgm', CIFAR10); return { zMax: c.zMax, upperNorm: c.upperNorm, M: c.M, zExp: c.zExp }; },
    value: { zMax: 40, upperNorm: 3000, M: 291, zExp: 5 }, official: { zMax: 40, upperNorm: 3000, M: 291, zExp: 5 },
    source: [PF('configs/poisson/cifar10_ddpmpp.py:47-49', 'z_max', 'upper_norm'), PF('configs/default_cifar10_configs.py:20', 'M'), PF('configs/default_cifar10_configs.py:30', 'z_exp')],
  },
  {
    id: 'pfgm-z-exp-official', group: 'PFGM', what: 'z_exp (v_z replaced by its analytic form below it) for the three official datasets',
    code: 'libs/methods/src/lib/configs.ts pfgmConfig', status: 'official',
    get: () => ({ cifar10: pfgmConfig('cifar10').zExp, celeba64: pfgmConfig('celeba64').zExp, lsunBedroom256: pfgmConfig('lsun-bedroom256').zExp }),
    value: { cifar10: 5, celeba64: 1, lsunBedroom256: 0.1 }, official: { cifar10: 5, celeba64: 1, lsunBedroom256: 0.1 },
    source: [
      PF('configs/default_cifar10_configs.py:30', 'z_exp', '5'), PF('configs/default_celeba_configs.py:29', 'z_exp', '1'),
      PF('configs/default_lsun_configs.py:29', 'z_exp', '0.1'), PF('methods.py:314-315', 'z_exp'), PF('sampling.py:718-719', 'z_exp'),
    ],
  },
  {
    id: 'pfgm-celeba64-config', group: 'PFGM', what: 'CelebA 64²: z_max, upper_norm, M',
    code: 'libs/methods/src/lib/configs.ts pfgmConfig', status: 'official',
    get: () => { const c = pfgmConfig('celeba64'); return { zMax: c.zMax, upperNorm: c.upperNorm, M: c.M }; },
    value: { zMax: 60, upperNorm: 6000, M: 291 }, official: { zMax: 60, upperNorm: 6000, M: 291 },
    source: [PF('configs/poisson/celeba64_ddpmpp.py:48', 'z_max', '60'), PF('configs/poisson/celeba64_ddpmpp.py:50', 'upper_norm', '6000'), PF('configs/default_celeba_configs.py:20', 'M', '291')],
  },
  {
    id: 'pfgm-lsun-config', group: 'PFGM', what: 'LSUN bedroom 256²: z_max, upper_norm, M, loss reduction',
    code: 'libs/methods/src/lib/configs.ts pfgmConfig', status: 'official',
    get: () => { const c = pfgmConfig('lsun-bedroom256'); return { zMax: c.zMax, upperNorm: c.upperNorm, M: c.M, reduce: c.reduce }; },
    value: { zMax: 100, upperNorm: 30000, M: 356, reduce: 'mean' }, official: { zMax: 100, upperNorm: 30000, M: 356, reduce: 'mean' },
    source: [
      PF('configs/poisson/bedroom_ddpmpp.py:51', 'z_max', '100'), PF('configs/poisson/bedroom_ddpmpp.py:53', 'upper_norm', '30000'),
      PF('configs/default_lsun_configs.py:20', 'M', '356'), PF('configs/poisson/bedroom_ddpmpp.py:36', 'reduce_mean', 'True'),
    ],
  },
  {
    id: 'pfgm-reduce', group: 'PFGM', what: 'Loss reduction (CIFAR-10/CelebA): 0.5·sum over the N+1 coordinates, i.e. per-sample weight 0.5',
    code: 'libs/methods/src/lib/pfgm.ts perturb (weight)', status: 'official',
    get: () => ({ reduce: pfgmConfig('cifar10').reduce, weight: lossWeight(pfgmConfig('cifar10')) }),
    value: { reduce: 'sum', weight: 0.5 }, official: { reduce: 'sum', weight: 0.5 },
    source: [PF('configs/default_cifar10_configs.py:19', 'reduce_mean', 'False'), PF('losses.py:69', 'reduce_op', '0.5')],
  },
  {
    id: 'pfgm-condition', group: 'PFGM', what: 'Network label: raw z (DDPM++ positional embedding), e.g. 2.5 at z = 2.5',
    code: 'libs/methods/src/lib/pfgm.ts pfgmMethod.predictor', status: 'official',
    get: () => ({ condition: pfgmConfig('cifar10').condition, labelAtZ2_5: networkLabel(pfgmConfig('cifar10'), 2.5) }),
    value: { condition: 'z', labelAtZ2_5: 2.5 }, official: { condition: 'z', labelAtZ2_5: 2.5 },
    source: [PF('configs/poisson/cifar10_ddpmpp.py:76', 'embedding_type', 'positional'), PF('models/utils.py:152-154', 'model_fn', 'z')],
  },
  {
    id: 'pfgm-vz-shift', group: 'PFGM', what: 'Drift denominator dx/dz = v_x/(v_z + δ): δ = +1e-5 by default',
    code: 'libs/methods/src/lib/pfgm.ts VZ_EPS, PfgmConfig.vzShift', status: 'official',
    get: () => ({ shift: pfgmConfig('cifar10').vzShift?.kind ?? 'official', delta: VZ_EPS }),
    value: { shift: 'official', delta: 1e-5 }, official: { shift: 'official', delta: 1e-5 },
    source: [PF('methods.py:326', '1e-5'), PF('sampling.py:729', '1e-5'), PF('likelihood.py:173', '1e-5')],
  },
  {
    id: 'pfgm-prior-clip', group: 'PFGM', what: 'Prior radius R = z_max·√BetaPrime(N/2, 1/2) clipped to [1, upper_norm] (CIFAR-10: [1, 3000])',
    code: 'libs/field/src/lib/priors.ts pfgmPriorRadius', status: 'official',
    get: () => pfgmPriorClip(pfgmConfig('cifar10').upperNorm), value: [1, 3000], official: [1, 3000],
    source: [PF('methods.py:284-291', 'beta', 'clip', 'upper_norm')],
  },
  {
    id: 'pfgm-time-variable', group: 'PFGM', what: "ODE variable per solver (time 'official'): RK45 in t = ln z; Euler/Heun in z on a grid uniform in ln z",
    code: 'libs/methods/src/lib/pfgm.ts timeVariable', status: 'official',
    get: () => { const t = pfgmConfig('cifar10').time; return { time: t, rk45: timeVariable(t, 'rk45'), euler: timeVariable(t, 'euler'), heun: timeVariable(t, 'heun') }; },
    value: { time: 'official', rk45: 'log-z', euler: 'z', heun: 'z' }, official: { time: 'official', rk45: 'log-z', euler: 'z', heun: 'z' },
    source: [PF('sampling.py:742', 'solve_ivp', 'np.log'), PF('sampling.py:281-282', 'integration over z', 'exp'), PF('sampling.py:300-301', 'integration over z', 'exp'), PF('sampling.py:320-321', 'integration over z', 'exp')],
    note: 'Fixed-step x ← x + z·(dx/dz)·(e^{Δt} − 1) = x + (dx/dz)·(z_{i+1} − z_i). `time: \'log-z\'` (Euler in ln z) stays available as an explicit option.',
  },
  {
    id: 'pfgm-z-exp-rule', group: 'PFGM', what: 'z_exp for data without an official config: log z_exp linear in log N between the official (N, z_exp) pairs, clamped',
    code: 'libs/field/src/lib/hyperparameters.ts pfgmZExp', status: 'rule',
    get: () => Object.fromEntries([2, 784, 3072, 6144, 12288, 49152, 196608, 786432].map((N) => [`N=${N}`, sig(pfgmZExp(N))])),
    value: { 'N=2': 5, 'N=784': 5, 'N=3072': 5, 'N=6144': 2.23607, 'N=12288': 1, 'N=49152': 0.316228, 'N=196608': 0.1, 'N=786432': 0.1 },
    source: [OURS('libs/field/src/lib/hyperparameters.ts', 'pfgmZExp'), PF('configs/default_cifar10_configs.py:30', 'z_exp'), PF('configs/default_celeba_configs.py:29', 'z_exp'), PF('configs/default_lsun_configs.py:29', 'z_exp')],
    note: `Pairs ${OFFICIAL_Z_EXP.map((p) => `(${p.N}, ${p.zExp})`).join(', ')}. N ≤ 3072 (Fashion-MNIST 784, 2-D toys) gets CIFAR-10's 5, the nearest official config; never 0 (the official sampler always substitutes).`,
  },
  {
    id: 'pfgm-fmnist28-config', group: 'PFGM', what: 'Fashion-MNIST 28×28 (‖y‖ = 23.0): M, z_max, upper_norm from the recipe; z_exp from the rule',
    code: 'libs/runs/src/lib/defaults.ts methodConfigFor → pfgmRecipe, pfgmZExp', status: 'rule',
    get: () => { const c = pfgmCfg('pfgm', FMNIST28); return { M: c.M, zMax: sig(c.zMax), upperNorm: sig(c.upperNorm), zExp: c.zExp }; },
    value: { M: 291, zMax: 43.4083, upperNorm: 1523.32, zExp: 5 },
    source: [PF('hyper-parameters.py:17-18', 'M'), PF('hyper-parameters.py:21', 'z_max'), PF('hyper-parameters.py:23', 'upper_norm'), OURS('libs/runs/src/lib/defaults.ts', 'pfgmRecipe', 'pfgmZExp')],
    note: 'The official recipe `hyper-parameters.py` (PFGM App. B.1/B.2) with the data\'s average norm and N = 784, σ = 0.01, τ = 0.03; the author recommends it for new data (Poisson_flow issue #9). z_exp: pfgm-z-exp-rule.',
  },
  {
    id: 'pfgm-toy-config', group: 'PFGM', what: '2-D toys (8 Gaussians, ‖y‖ = 2.85): M, z_max, upper_norm from the recipe; z_exp from the rule',
    code: 'libs/runs/src/lib/defaults.ts methodConfigFor → pfgmRecipe, pfgmZExp', status: 'rule',
    get: () => { const c = pfgmCfg('pfgm', TOY); return { M: c.M, zMax: sig(c.zMax), upperNorm: sig(c.upperNorm), zExp: c.zExp }; },
    value: { M: 261, zMax: 17.8836, upperNorm: 31.6979, zExp: 5 },
    source: [PF('hyper-parameters.py:17-23', 'M', 'z_max', 'upper_norm'), OURS('libs/runs/src/lib/defaults.ts', 'pfgmRecipe')],
    note: 'Same recipe with N = 2. The committed toy-table models (cpu-2026-11-25) were trained and sampled with z_exp 0 and Euler in ln z, before issue #12; re-sampling them uses these values.',
  },
  {
    id: 'pfgm-recipe-cifar10-check', group: 'PFGM', what: 'The recipe at its script defaults (‖y‖ = 30, N = 3072): M, z_max, upper_norm',
    code: 'libs/field/src/lib/hyperparameters.ts pfgmRecipe', status: 'official',
    get: () => { const r = pfgmRecipe({ avgNorm: 30, N: 3072 }); return { M: r.M, zMax: sig(r.zMax, 4), upperNorm: sig(r.upperNorm, 4) }; },
    value: { M: 287, zMax: 38.57, upperNorm: 2679 }, official: officialRecipe(30, 3072),
    source: [PF('hyper-parameters.py:8-9', 'data_norm', '30.', '3072'), PF('hyper-parameters.py:17-23', 'M', 'z_max', 'upper_norm')],
    note: 'The official column restates the script\'s three formulas independently (official: an independent check of pfgmRecipe). The CIFAR-10 config uses M = 291, z_max = 40, upper_norm = 3000, which the project keeps for CIFAR-10.',
  },
];

// ----------------------------------------------------------------------------
// PFGM++ / EDM
// ----------------------------------------------------------------------------

const pfgmpp: FidelityEntry[] = [
  {
    id: 'pfgmpp-d-default', group: 'PFGM++ / EDM', what: 'Default D (augmented dimensions)',
    code: 'libs/methods/src/lib/configs.ts pfgmppConfig; libs/runs methodConfigFor', status: 'official',
    get: () => ({ pfgmppConfig: pfgmppConfig().D, methodConfigFor: (methodConfigFor('pfgmpp', CIFAR10) as { D: number }).D }),
    value: { pfgmppConfig: 128, methodConfigFor: 128 }, official: { pfgmppConfig: 128, methodConfigFor: 128 },
    source: [PP('train.py:57', 'aug_dim', '128'), PP('generate.py:288', 'aug_dim', '128')],
  },
  {
    id: 'pfgmpp-sampling-sigmas', group: 'PFGM++ / EDM', what: 'σ_min, σ_max, ρ of the sampling grid (PFGM++ and EDM)',
    code: 'libs/methods/src/lib/configs.ts pfgmppConfig, edmConfig', status: 'official',
    get: () => { const a = pfgmppConfig(); const b = edmConfig(); return { sigmaMin: a.sigmaMin, sigmaMax: a.sigmaMax, rho: a.rho, edmSame: a.sigmaMin === b.sigmaMin && a.sigmaMax === b.sigmaMax && a.rho === b.rho }; },
    value: { sigmaMin: 0.002, sigmaMax: 80, rho: 7, edmSame: true }, official: { sigmaMin: 0.002, sigmaMax: 80, rho: 7, edmSame: true },
    source: [PP('generate.py:30', 'sigma_min=0.002', 'sigma_max=80', 'rho=7'), EDM('generate.py:27', 'sigma_min=0.002', 'sigma_max=80', 'rho=7')],
  },
  {
    id: 'pfgmpp-prior-scale', group: 'PFGM++ / EDM', what: 'Prior: R = σ_max·√D·√BetaPrime(N/2, D/2) (PFGM++), 80·N(0, I) (EDM); σ_max',
    code: 'libs/methods/src/lib/pfgmpp.ts prior → pfgmppPrior(…, c.sigmaMax)', status: 'official',
    get: () => pfgmppConfig().sigmaMax, value: 80, official: 80,
    source: [PP('generate.py:220-225', 'sigma_max', '80', 'np.sqrt(D)'), EDM('generate.py:40', 't_steps[0]')],
    note: 'Official quirk kept out: for N ≥ 256²·3 the official prior uses 80 while the grid uses the CLI σ_max.',
  },
  {
    id: 'pfgmpp-training-sigma', group: 'PFGM++ / EDM', what: 'Training noise ln σ ~ N(P_mean, P_std²), σ_data, Beta clip of the PFGM++ kernel',
    code: 'libs/methods/src/lib/configs.ts pfgmppConfig', status: 'official',
    get: () => { const c = pfgmppConfig(); return { pMean: c.pMean, pStd: c.pStd, sigmaData: c.sigmaData, clipBeta: c.clipBeta }; },
    value: { pMean: -1.2, pStd: 1.2, sigmaData: 0.5, clipBeta: 1e-3 }, official: { pMean: -1.2, pStd: 1.2, sigmaData: 0.5, clipBeta: 1e-3 },
    source: [PP('training/loss.py:101', 'P_mean=-1.2', 'P_std=1.2', 'sigma_data=0.5'), PP('training/loss.py:126', 'clip', '1e-3'), EDM('training/loss.py:67', 'P_mean=-1.2', 'P_std=1.2', 'sigma_data=0.5')],
    note: 'LSUN\'s σ·380/80 is not a default: pass pMean = −1.2 + ln(380/80) (pfgmpp training/loss.py:119).',
  },
  {
    id: 'pfgmpp-target', group: 'PFGM++ / EDM', what: 'Denoiser target: the clean y (the unbiased objective); the large-batch stf target is opt-in',
    code: 'libs/methods/src/lib/types.ts PfgmppConfig.target', status: 'official',
    get: () => pfgmppConfig().target ?? 'clean', value: 'clean', official: 'clean',
    source: [PP('train.py:48', 'stf', 'False')],
  },
  {
    id: 'edm-precond', group: 'PFGM++ / EDM', what: 'EDM preconditioning at σ = 2, σ_data = 0.5: c_skip, c_out, c_in, c_noise = ln σ/4',
    code: 'libs/methods/src/lib/edm-precond.ts edmCoefficients', status: 'official',
    get: () => { const k = edmCoefficients(2, pfgmppConfig().sigmaData); return { cSkip: sig(k.cSkip), cOut: sig(k.cOut), cIn: sig(k.cIn), cNoise: sig(k.cNoise) }; },
    value: { cSkip: 0.0588235, cOut: 0.485071, cIn: 0.485071, cNoise: 0.173287 },
    official: { cSkip: sig(0.25 / 4.25), cOut: sig(1 / Math.sqrt(4.25)), cIn: sig(1 / Math.sqrt(4.25)), cNoise: sig(Math.log(2) / 4) },
    source: [EDM('training/networks.py:660-663', 'c_skip', 'c_out', 'c_in', 'c_noise'), PP('training/networks.py:700-701', 'c_skip', 'c_out')],
  },
  {
    id: 'edm-loss-weight', group: 'PFGM++ / EDM', what: 'Per-sample weight of the raw-network MSE: λ(σ)·c_out² = 1 (EDM λ, loss summed over pixels)',
    code: 'libs/methods/src/lib/pfgmpp.ts perturb (weight)', status: 'official',
    get: () => lossWeight(edmConfig()), value: 1, official: 1,
    source: [EDM('training/loss.py:75', 'weight', 'sigma_data'), EDM('training/training_loop.py:132', 'loss.sum()')],
  },
];

// ----------------------------------------------------------------------------
// VP-ODE
// ----------------------------------------------------------------------------

const vp: FidelityEntry[] = [
  {
    id: 'vp-config', group: 'VP-ODE', what: 'β_min, β_max, sampling ε, training ε, noise removal at the end',
    code: 'libs/methods/src/lib/configs.ts vpConfig', status: 'official',
    get: () => { const c = vpConfig(); return { betaMin: c.betaMin, betaMax: c.betaMax, epsT: c.epsT, epsTrain: c.epsTrain, denoise: c.denoise }; },
    value: { betaMin: 0.1, betaMax: 20, epsT: 1e-3, epsTrain: 1e-5, denoise: true }, official: { betaMin: 0.1, betaMax: 20, epsT: 1e-3, epsTrain: 1e-5, denoise: true },
    source: [
      SS('configs/default_cifar10_configs.py:54-55', 'beta_min', 'beta_max'), SS('run_lib.py:92', 'sampling_eps', '1e-3'), SS('losses.py:55', 'eps=1e-5'),
      SS('configs/default_cifar10_configs.py:25', 'noise_removal', 'True'), SS('sampling.py:101', 'noise_removal'),
    ],
  },
  {
    id: 'vp-label', group: 'VP-ODE', what: 'Network label 999·t (continuous VP), e.g. 499.5 at t = 0.5',
    code: 'libs/methods/src/lib/vp.ts vpMethod.predictor', status: 'official',
    get: () => networkLabel(vpConfig(), 0.5), value: 499.5, official: 499.5,
    source: [SS('models/utils.py:150', 'labels', '999')],
  },
  {
    id: 'vp-score', group: 'VP-ODE', what: 'The network predicts ε; score = −ε̂/std(t) (ratio to −ε̂/std: 1)',
    code: 'libs/methods/src/lib/vp.ts score, vpVelocity', status: 'official',
    get: () => vpScoreScale(), value: 1, official: 1,
    source: [SS('models/utils.py:152', 'std', 'marginal_prob'), SS('models/utils.py:159', 'score', 'std')],
  },
  {
    id: 'vp-reduce', group: 'VP-ODE', what: 'Loss reduction: mean over the N data dimensions (per-sample weight × N = 1)',
    code: 'libs/methods/src/lib/vp.ts perturb (weight 1/N)', status: 'official',
    get: () => lossWeight(vpConfig(), 4), value: 1, official: 1,
    source: [SS('configs/vp/cifar10_ddpmpp_continuous.py:28', 'reduce_mean', 'True'), SS('losses.py:71', 'reduce_op', 'mean')],
  },
];

// ----------------------------------------------------------------------------
// Solvers and samplers
// ----------------------------------------------------------------------------

const solvers: FidelityEntry[] = [
  {
    id: 'rk45-tolerances', group: 'Solvers and samplers', what: 'RK45 rtol = atol by method (sampling)',
    code: 'libs/runs/src/lib/solver-options.ts solverSpec', status: 'official',
    get: () => {
      const tol = (c: Parameters<typeof solverSpec>[1]) => { const s = solverSpec({ solver: 'rk45' }, c); return s.kind === 'rk45' ? [s.rtol, s.atol] : null; };
      return { pfgm: tol(pfgmConfig('cifar10')), vp: tol(vpConfig()) };
    },
    value: { pfgm: [1e-4, 1e-4], vp: [1e-5, 1e-5] }, official: { pfgm: [1e-4, 1e-4], vp: [1e-5, 1e-5] },
    source: [PF('sampling.py:668', 'rtol=1e-4', 'atol=1e-4'), SS('sampling.py:415', 'rtol=1e-5', 'atol=1e-5')],
  },
  {
    id: 'rk45-tolerance-pfgmpp', group: 'Solvers and samplers', what: 'RK45 rtol = atol for PFGM++ / EDM (the official code has no RK45 sampler)',
    code: 'libs/runs/src/lib/solver-options.ts solverSpec', status: 'rule',
    get: () => { const s = solverSpec({ solver: 'rk45' }, pfgmppConfig()); return s.kind === 'rk45' ? [s.rtol, s.atol] : null; },
    value: [1e-5, 1e-5],
    source: [OURS('libs/runs/src/lib/solver-options.ts', 'tol'), SS('sampling.py:415', 'rtol=1e-5')],
    note: 'score_sde\'s probability-flow tolerance (the diffusion baseline with an RK45 sampler); then x ← D(x, σ_min), EDM\'s last step to σ = 0.',
  },
  {
    id: 'pfgm-rk45-interval', group: 'Solvers and samplers', what: 'PFGM RK45 interval in t = ln z: [ln z_max, ln z_min]',
    code: 'libs/methods/src/lib/pfgm.ts timeGrid', status: 'official',
    get: () => Array.from(makeMethod(pfgmConfig('cifar10')).timeGrid(1, 'rk45'), (t) => sig(t)),
    value: [3.68888, -6.90776], official: [sig(Math.log(40)), sig(Math.log(1e-3))],
    source: [PF('sampling.py:742', 'np.log', 'z_max', 'np.log(eps)')],
  },
  {
    id: 'pfgm-rk45-state', group: 'Solvers and samplers', what: 'PFGM RK45 state entries per sample for a 2×2×1 image (what the RMS error norm averages over)',
    code: 'libs/methods/src/lib/sample.ts decode → solveWithState (PfgmConfig.rk45State, default xz)', status: 'official',
    get: () => pfgmRk45StateEntries(), value: 8, official: 8,
    source: [PF('sampling.py:695-702', 'z.repeat', 'torch.cat', 'channels + 1'), PF('sampling.py:735-737', 'torch.cat', 'torch.ones')],
    note: 'Fixed after this table found it (was x only): the official PFGM RK45 appends an image channel filled with z (drift z) to the state, so scipy\'s RMS error norm averages over (C + 1)·H·W entries, H·W of which (z, whose drift z is integrated almost exactly) carry little error. Its tolerance is therefore looser per x entry by ≈ √((C + 1)/C) than an x-only state (1.15 RGB, 1.41 grayscale); `rk45State: \'x\'` keeps the x-only state as an option.',
  },
  {
    id: 'pfgm-fixed-grid', group: 'Solvers and samplers', what: 'PFGM Euler/Heun grid (4 steps): z_i = exp(linspace(ln z_max, ln z_min, N + 1))',
    code: 'libs/methods/src/lib/pfgm.ts timeGrid → logUniformGrid', status: 'official',
    get: () => Array.from(makeMethod(pfgmConfig('cifar10')).timeGrid(4, 'euler'), (t) => sig(t)),
    value: [40, 2.82843, 0.2, 0.0141421, 0.001], official: linspace(Math.log(40), Math.log(1e-3), 4).map((t) => sig(Math.exp(t))),
    source: [PF('sampling.py:564', 'linspace', 'np.log', 'z_max')],
  },
  {
    id: 'pfgm-fixed-steps-default', group: 'Solvers and samplers', what: 'PFGM fixed-step default N (no --steps/--nfe); the official Euler sweep is N ∈ {10, 20, 50, 100}',
    code: 'libs/runs/src/lib/solver-options.ts solverSpec', status: 'official',
    get: () => { const s = solverSpec({ solver: 'euler' }, pfgmConfig('cifar10')); return s.kind === 'euler' ? s.steps : null; },
    value: 100, official: 100,
    source: [PF('configs/poisson/cifar10_ddpmpp.py:46', 'N', '100'), PF('run.sh:2', 'sampling.N', '10')],
  },
  {
    id: 'heun-nfe', group: 'Solvers and samplers', what: 'Heun / improved Euler at NFE 35: grid steps (NFE = 2n − 1, the last step plain Euler)',
    code: 'libs/runs/src/lib/solver-options.ts solverSpec; libs/ode heun', status: 'official',
    get: () => {
      const n = (c: Parameters<typeof solverSpec>[1]) => { const s = solverSpec({ solver: 'heun', nfe: 35 }, c); return s.kind === 'heun' ? s.steps : null; };
      return { pfgm: n(pfgmConfig('cifar10')), pfgmpp: n(pfgmppConfig()), vp: n(vpConfig()) };
    },
    value: { pfgm: 18, pfgmpp: 18, vp: 18 }, official: { pfgm: 18, pfgmpp: 18, vp: 18 },
    source: [PF('sampling.py:309-310', 'idx', 'x_new'), PF('sampling.py:587', '2 * sde.N - 1'), PP('generate.py:68', 'num_steps - 1'), EDM('README.md:91', '18 steps', 'NFE = 35')],
  },
  {
    id: 'heun-nfe-measured', group: 'Solvers and samplers', what: 'Field evaluations of Heun / improved Euler on a 3-step grid, as `decode` runs it',
    code: 'libs/methods/src/lib/sample.ts decode (lastStepEuler for PFGM and VP; EDM grids end at 0)', status: 'official',
    get: async () => ({ pfgm: await heunNfe(pfgmConfig('cifar10'), 3), pfgmpp: await heunNfe(pfgmppConfig(), 3), vp: await heunNfe(vpConfig(), 3) }),
    value: { pfgm: 5, pfgmpp: 5, vp: 5 }, official: { pfgm: 5, pfgmpp: 5, vp: 5 },
    source: [PF('sampling.py:309-310', 'idx == self.sde.N - 1', 'x_new'), PF('sampling.py:587', '2 * sde.N - 1'), PP('generate.py:68', 'num_steps - 1')],
    note: 'Fixed after this table found it (VP ran a full Heun last step, 2N evaluations): Poisson_flow\'s ImprovedEulerPredictor returns the plain Euler step on the last interval (the check comes before the method branch) and `get_ode_sampler` reports 2N − 1 evaluations for every method. For VP that path cannot actually run (the sampler passes no t_list / idx for VP, and `idx + 1` fails on None), so VP\'s 2N − 1 follows the PFGM path and the official count. The committed fmnist-table of 2026-11-25 ran its VP "Heun (NFE 35)" cell at 36 NFE; the re-run of 2026-12-06 at 35.',
  },
  {
    id: 'edm-steps', group: 'Solvers and samplers', what: 'EDM/PFGM++ grid steps n: CIFAR-10 18 (NFE 35), FFHQ 64² 40 (NFE 79); default of solverSpec',
    code: 'libs/methods/src/lib/configs.ts EDM_STEPS; solverSpec', status: 'official',
    get: () => { const s = solverSpec({ solver: 'heun' }, pfgmppConfig()); return { cifar10: EDM_STEPS.cifar10, ffhq64: EDM_STEPS.ffhq64, solverSpecDefault: s.kind === 'heun' ? s.steps : null }; },
    value: { cifar10: 18, ffhq64: 40, solverSpecDefault: 18 }, official: { cifar10: 18, ffhq64: 40, solverSpecDefault: 18 },
    source: [PP('generate.py:30', 'num_steps=18'), EDM('README.md:91', '18'), EDM('README.md:95', '40', 'NFE = 79')],
  },
  {
    id: 'edm-grid', group: 'Solvers and samplers', what: 'EDM ρ-grid at n = 18: σ_0, σ_1, σ_16, σ_17, then σ_18 = 0',
    code: 'libs/ode/src/lib/time-grids.ts edmGrid', status: 'official',
    get: () => { const g = edmGrid({ steps: EDM_STEPS.cifar10 }); return [g[0], g[1], g[16], g[17], g[18]].map((v) => sig(v)); },
    value: [80, 57.586, 0.00752802, 0.002, 0], official: [0, 1, 16, 17].map((i) => sig(edmSigma(i, 18))).concat([0]),
    source: [PP('generate.py:42-45', 't_steps', 'rho', 'zeros_like'), EDM('generate.py:27', 'rho=7')],
  },
  {
    id: 'vp-grid', group: 'Solvers and samplers', what: 'VP fixed-step grid (4 steps): linspace(1, ε = 1e-3, N + 1)',
    code: 'libs/ode/src/lib/time-grids.ts vpGrid', status: 'official',
    get: () => Array.from(vpGrid({ steps: 4 }), (t) => sig(t)),
    value: [1, 0.75025, 0.5005, 0.25075, 0.001], official: linspace(1, 1e-3, 4).map((t) => sig(t)),
    source: [PF('sampling.py:566', 'linspace', 'sde.T', 'eps'), SS('sampling.py:416', 'eps=1e-3')],
  },
  {
    id: 'vp-fixed-step-denoise', group: 'Solvers and samplers', what: 'VP noise-removal step after a fixed-step (Euler / Heun) solve',
    code: 'libs/methods/src/lib/vp.ts finalize (rk45 only unless VpConfig.denoiseFixedStep)', status: 'official',
    get: () => vpDenoisesAfterEuler(), value: false, official: false,
    source: [PF('sampling.py:587', 'inverse_scaler(x)'), PF('sampling.py:133', 'denoise=config.sampling.noise_removal'), SS('sampling.py:479-480', 'denoise')],
    note: 'Fixed after this table found it (every solver denoised): the official noise removal belongs to the RK45 sampler (score_sde `get_ode_sampler`, Poisson_flow `get_rk45_sampler`); Poisson_flow\'s fixed-step `get_ode_sampler`, which produced the papers\' VP Euler curve, returns x as it is. The committed fmnist-table / euler-sweep of 2026-11-25 applied it after VP Euler/Heun too (one uncounted evaluation); the 2026-12-06 re-run does not. `denoiseFixedStep: true` keeps it as an option (the Theorem-1 Euler check uses it).',
  },
  {
    id: 'vp-euler-step', group: 'Solvers and samplers', what: 'VP Euler step size at N = 4 (drift at t_i of linspace(1, ε, N + 1))',
    code: 'libs/methods/src/lib/vp.ts officialEulerVelocity (VpConfig.eulerStep)', status: 'official',
    get: async () => sig(await vpEulerStep(4), 5), value: 0.25, official: 0.25,
    source: [PF('sampling.py:285', 'dt = -1. / self.sde.N'), PF('sampling.py:566', 'linspace', 'sde.T', 'eps')],
    note: 'Fixed after this table found it: Poisson_flow evaluates the VP drift at linspace(1, ε, N + 1) but steps Δt = 1/N, not the spacing (1 − ε)/N (a total time of 1 instead of 1 − ε, steps 0.1 % longer at ε = 1e-3); the project stepped between its grid points (0.24975 here) until 2026-12-07. VP Heun keeps the grid spacing: Poisson_flow\'s `ImprovedEulerPredictor` writes the same dt (`sampling.py:305`) but cannot run for VP (`get_ode_sampler` passes no t_list / idx, so `idx + 1` fails on None). `eulerStep: \'grid\'` keeps the old step as an option.',
  },
  {
    id: 'robust-noise-injection', group: 'Solvers and samplers', what: 'PFGM++ robustness: noise α·σ_i·ε added before each Heun step; α values of the paper preset',
    code: 'experiments/src/images/noisy-heun.ts noisyHeunSample; robustness.ts presets.paper.alphas', status: 'official',
    get: () => [...robustness.presets.paper.alphas], value: [0, 0.1, 0.2], official: [0, 0.1, 0.2],
    source: [PP('generate_alpha.py:126', 'randn_like', 't_cur', 'alpha'), PP('generate_alpha.py:409', 'alpha_list', '0.1', '0.2')],
  },
  {
    id: 'robust-quant-filter', group: 'Solvers and samplers', what: 'PFGM++ weight quantization of a 32×32 DDPM++ net: which weights, one min/max per official tensor, bits of the paper preset',
    code: 'experiments/src/images/quantize-weights.ts officialQuantGroups, quantizeWeights', status: 'official',
    get: () => quantFilterProbe(robustness.presets.paper.bits),
    value: { convIn32: false, conv16: true, norm: false, affine: false, qkvOneTensor: true, bits: [5, 6, 7, 8, 9] },
    official: { convIn32: false, conv16: true, norm: false, affine: false, qkvOneTensor: true, bits: [5, 6, 7, 8, 9] },
    source: [PP('generate_quant.py:441', "'weight' in name", 'norm', 'affine', 'map', "'32'"), PP('generate_quant.py:414-416', 'min_val, max_val', 'scale'), PP('generate_quant.py:408', 'bits_list', '[5, 6, 7, 8, 9]')],
    note: 'Fixed after a review against generate_quant.py (2026-12-07): the project quantized each of its own tensors, so q, k and v (SongUNet: one qkv tensor) had their own min/max, and it kept no level float; the official filter is read on each weight\'s SongUNet name (the released-checkpoint mapping), so at 32×32 the full-resolution level stays float, and at 28×28 (no level named 32) every level is quantized. The claims run\'s quantization cells were recomputed.',
  },
  {
    id: 'vp-fixed-steps-default', group: 'Solvers and samplers', what: 'VP fixed-step default N (no --steps/--nfe)',
    code: 'libs/runs/src/lib/solver-options.ts solverSpec', status: 'deviation', deviation: 'deliberate',
    get: () => { const s = solverSpec({ solver: 'euler' }, vpConfig()); return s.kind === 'euler' ? s.steps : null; },
    value: 100, official: 1000,
    source: [PF('run_lib.py:107', 'VPSDE', 'num_scales'), PF('configs/default_cifar10_configs.py:59', 'num_scales', '1000')],
    note: 'A CLI default only (the same 100 as PFGM\'s); Poisson_flow\'s VP Euler baseline walks sde.N = num_scales = 1000 steps. Every experiment names its NFE, so no table number depends on it.',
  },
];

// ----------------------------------------------------------------------------
// Training
// ----------------------------------------------------------------------------

const training: FidelityEntry[] = [
  {
    id: 'train-pfgm', group: 'Training', what: 'PFGM (CIFAR-10) optimizer, EMA, batch B, large batch B_L, random flips',
    code: 'libs/runs/src/lib/defaults.ts trainDefaultsFor(pfgm, paper)', status: 'official',
    get: () => trainPaper('pfgm'),
    value: { lr: 2e-4, warmupSteps: 5000, gradClip: 1, ema: 0.9999, batchSize: 128, referenceSize: 4096, flip: true },
    official: { lr: 2e-4, warmupSteps: 5000, gradClip: 1, ema: 0.9999, batchSize: 128, referenceSize: 4096, flip: true },
    source: [
      PF('configs/default_cifar10_configs.py:69', 'lr', '2e-4'), PF('configs/default_cifar10_configs.py:72', 'warmup', '5000'), PF('configs/default_cifar10_configs.py:73', 'grad_clip', '1.'),
      PF('configs/poisson/cifar10_ddpmpp.py:57', 'ema_rate', '0.9999'), PF('configs/poisson/cifar10_ddpmpp.py:27-28', 'batch_size = 4096', 'small_batch_size = 128'),
      PF('configs/default_cifar10_configs.py:50', 'random_flip', 'True'),
    ],
  },
  {
    id: 'train-vp', group: 'Training', what: 'VP-ODE (CIFAR-10) optimizer, EMA, batch, random flips',
    code: 'libs/runs/src/lib/defaults.ts trainDefaultsFor(vp, paper)', status: 'official',
    get: () => trainPaper('vp'),
    value: { lr: 2e-4, warmupSteps: 5000, gradClip: 1, ema: 0.9999, batchSize: 128, referenceSize: null, flip: true },
    official: { lr: 2e-4, warmupSteps: 5000, gradClip: 1, ema: 0.9999, batchSize: 128, referenceSize: null, flip: true },
    source: [
      SS('configs/default_cifar10_configs.py:63', 'lr', '2e-4'), SS('configs/default_cifar10_configs.py:66-67', 'warmup', 'grad_clip'),
      SS('configs/vp/cifar10_ddpmpp_continuous.py:44', 'ema_rate', '0.9999'), SS('configs/default_cifar10_configs.py:9', 'batch_size', '128'),
      SS('configs/default_cifar10_configs.py:44', 'random_flip', 'True'),
    ],
  },
  {
    id: 'train-pfgmpp', group: 'Training', what: 'PFGM++ / EDM (CIFAR-10) optimizer, lr ramp (10 Mimg = 19531 steps at 512), EMA half-life, batch, x-flips',
    code: 'libs/runs/src/lib/defaults.ts trainDefaultsFor(pfgmpp|edm, paper)', status: 'official',
    get: () => ({ pfgmpp: trainPaper('pfgmpp'), edmSame: JSON.stringify(trainPaper('edm')) === JSON.stringify(trainPaper('pfgmpp')) }),
    value: { pfgmpp: { lr: 1e-3, warmupSteps: 19531, gradClip: 0, ema: 'half-life 500000 img, ramp-up 0.05', batchSize: 512, referenceSize: null, flip: false }, edmSame: true },
    official: { pfgmpp: { lr: 1e-3, warmupSteps: 19531, gradClip: 0, ema: 'half-life 500000 img, ramp-up 0.05', batchSize: 512, referenceSize: null, flip: false }, edmSame: true },
    source: [
      PP('train.py:62', 'lr', '10e-4'), EDM('training/training_loop.py:39', 'lr_rampup_kimg', '10000'), EDM('training/training_loop.py:139', 'nan_to_num'),
      PP('train.py:63', 'ema', '0.5'), EDM('training/training_loop.py:38', 'ema_rampup_ratio', '0.05'), PP('train.py:56', 'batch', '512'), PP('train.py:66', 'xflip', 'False'),
      EDM('train.py:52-60', 'batch', 'xflip'),
    ],
    note: 'gradClip 0 = no clipping, as EDM; warm-up steps = 10 Mimg / batch 512.',
  },
  {
    id: 'train-edm-ema-decay', group: 'Training', what: 'EDM EMA β per step at batch 512: 0.5^(batch/min(half-life, 0.05·images)), during the ramp-up (51 200 images) and after (10 Mimg)',
    code: 'libs/train/src/lib/schedule.ts edmEmaDecay', status: 'official',
    get: () => ({ at51200img: sig(edmEmaDecay(512, 51_200, 500_000, 0.05), 8), at10Mimg: sig(edmEmaDecay(512, 10_000_000, 500_000, 0.05), 8) }),
    value: { at51200img: 0.87055056, at10Mimg: 0.99929047 }, official: { at51200img: sig(0.5 ** (512 / (0.05 * 51_200)), 8), at10Mimg: sig(0.5 ** (512 / 500_000), 8) },
    source: [EDM('training/training_loop.py:143-146', 'ema_halflife_nimg', 'ema_rampup_ratio', 'ema_beta')],
  },
  {
    id: 'train-dropout-duration', group: 'Training', what: 'Dropout and training length (CIFAR-10) in the methods\' training-default tables',
    code: 'libs/methods/src/lib/training-defaults.ts', status: 'official',
    get: () => ({ pfgm: [pfgmTrainingDefaults().dropout, pfgmTrainingDefaults().duration.length], vp: [vpTrainingDefaults().dropout, vpTrainingDefaults().duration.length], pfgmpp: [pfgmppTrainingDefaults().dropout, pfgmppTrainingDefaults().duration.length] }),
    value: { pfgm: [0.1, 1_300_000], vp: [0.1, 1_300_000], pfgmpp: [0.13, 200_000_000] }, official: { pfgm: [0.1, 1_300_000], vp: [0.1, 1_300_000], pfgmpp: [0.13, 200_000_000] },
    source: [PF('configs/default_cifar10_configs.py:62', 'dropout', '0.1'), PF('configs/default_cifar10_configs.py:10', 'n_iters', '1300001'), SS('configs/default_cifar10_configs.py:10', 'n_iters'), PP('train.py:64', 'dropout', '0.13'), PP('train.py:54', 'duration', '200')],
    note: 'Steps for PFGM/VP (n_iters 1300001), images for PFGM++ (200 Mimg).',
  },
  {
    id: 'train-pfgm-celeba-lsun', group: 'Training', what: 'PFGM CelebA B_L; LSUN bedroom batch, B_L, lr',
    code: 'libs/methods/src/lib/training-defaults.ts pfgmTrainingDefaults', status: 'official',
    get: () => { const c = pfgmTrainingDefaults('celeba64'); const l = pfgmTrainingDefaults('lsun-bedroom256'); return { celebaReference: c.referenceBatchSize ?? null, lsunBatch: l.batchSize, lsunReference: l.referenceBatchSize ?? null, lsunLr: l.lr }; },
    value: { celebaReference: 512, lsunBatch: 32, lsunReference: 32, lsunLr: 2e-5 }, official: { celebaReference: 512, lsunBatch: 32, lsunReference: 32, lsunLr: 2e-5 },
    source: [PF('configs/poisson/celeba64_ddpmpp.py:28', 'batch_size', '512'), PF('configs/poisson/bedroom_ddpmpp.py:29-30', 'batch_size', '32'), PF('configs/poisson/bedroom_ddpmpp.py:85', 'lr', '2e-5')],
  },
  {
    id: 'train-pfgm-lsun-dropout-length', group: 'Training', what: 'PFGM LSUN bedroom dropout and training length',
    code: 'libs/methods/src/lib/training-defaults.ts pfgmTrainingDefaults(lsun-bedroom256)', status: 'official',
    get: () => { const l = pfgmTrainingDefaults('lsun-bedroom256'); return { dropout: l.dropout, steps: l.duration.length }; },
    value: { dropout: 0, steps: 2_400_000 }, official: { dropout: 0, steps: 2_400_000 },
    source: [PF('configs/default_lsun_configs.py:61', 'dropout', '0.'), PF('configs/default_lsun_configs.py:10', 'n_iters', '2400001')],
    note: 'Fixed after this table found it (the LSUN defaults inherited the CIFAR-10 dropout 0.1 and 1.3M steps; bedroom_ddpmpp.py sets neither, so default_lsun_configs.py\'s dropout 0 and 2.4M iterations apply). No experiment trains LSUN, so no committed number changes.',
  },
  {
    id: 'train-ema-warmup', group: 'Training', what: 'score_sde-style EMA: share of the new weights in the EMA after the first step (1 − β₁)',
    code: 'libs/train/src/lib/fit.ts trainStep → scoreSdeEmaDecay (EmaSpec warmup: true in every default)', status: 'official',
    get: () => emaShareAfterFirstStep(trainDefaultsFor('pfgm', 'paper').ema, 128), value: sig(1 - 2 / 11), official: sig(1 - 2 / 11),
    source: [PF('models/ema.py:46', 'min', 'num_updates'), SS('models/ema.py:46', 'min', 'num_updates'), PF('run_lib.py:79', 'ExponentialMovingAverage', 'ema_rate')],
    note: 'Fixed after this table found it (β from step 1, no warm-up): the official EMA (use_num_updates=True by default) uses β_n = min(decay, (1 + n)/(10 + n)), so early on it tracks the weights (β = 0.99 at n ≈ 890, 0.999 at n ≈ 9000). It does not change a paper-length run (β_n = 0.9999 from n ≈ 90 000), but without it a short run\'s EMA stays ≈ the initial network (0.999^800 leaves 45 %): the Fashion-MNIST cpu models of 2026-11-25 and 2026-12-06, trained before this fix (their configs have no `warmup`), sample their raw weights for that reason.',
  },
  {
    id: 'train-lr-warmup-first-step', group: 'Training', what: 'Learning-rate factor of the first optimizer step (linear warm-up over 5000 steps)',
    code: 'libs/train/src/lib/schedule.ts warmupLr (lr·min(1, (step + 1)/warmup))', status: 'deviation', deviation: 'open',
    get: () => sig(warmupLr(1, 0, 5000)), value: 0.0002, official: 0,
    source: [PF('losses.py:47', 'np.minimum', 'step / warmup'), EDM('training/training_loop.py:136', 'cur_nimg', 'lr_rampup_kimg')],
    note: 'Found while building this table: both official loops use the step count (images) before the update, so their first step has lr 0 and the ramp ends one step later; the project is one step ahead (and EDM\'s EMA ramp-up likewise counts images after the step). A one-step shift of the ramp: no measurable effect.',
  },
  {
    id: 'train-edm-augment', group: 'Training', what: 'PFGM++ / EDM non-leaking augmentation probability (--augment)',
    code: 'libs/runs/src/lib/defaults.ts TrainDefaults (no augment field)', status: 'deviation', deviation: 'deliberate',
    get: () => (trainDefaultsFor('pfgmpp', 'paper') as { augment?: number }).augment ?? 0, value: 0, official: 0.12,
    source: [PP('train.py:65', 'augment', '0.12'), PP('train.py:153-156', 'augment', 'xflip'), EDM('train.py:59', 'augment', '0.12')],
    note: 'EDM\'s augment pipe (x/y-flips, scale, rotation, anisotropy, translation with p = 0.12 and the 9-dim augment label) is not implemented: PFGM++/EDM train unaugmented (and without x-flips, as --xflip defaults to False). Matters for the paper-scale CIFAR-10 FIDs (EDM reports it helps at 200 Mimg); not for the short cpu runs.',
  },
  {
    id: 'train-edm-nonfinite', group: 'Training', what: 'Non-finite gradients (EDM: nan_to_num(±1e5) and continue)',
    code: 'libs/train/src/lib/fit.ts trainStep → NonFiniteError', status: 'deviation', deviation: 'deliberate',
    get: () => 'stop with NonFiniteError (last checkpoint kept)', value: 'stop with NonFiniteError (last checkpoint kept)', official: 'replace by nan_to_num(nan 0, ±1e5), continue',
    source: [EDM('training/training_loop.py:137-139', 'nan_to_num', '1e5'), OURS('libs/train/src/lib/fit.ts', 'NonFiniteError')],
    note: 'Deliberate: a silent repair hides a diverging run. Only matters for a run that goes non-finite.',
  },
  {
    id: 'net-ddpmpp', group: 'Training', what: 'U-Net preset ddpmpp (PFGM and VP CIFAR-10): channels, multipliers, blocks, attention, label embedding, dropout',
    code: 'libs/networks/src/lib/presets.ts UNET_PRESETS.ddpmpp', status: 'official',
    get: () => { const n = preset('ddpmpp') as { channels: number; channelMult: number[]; numBlocks: number; attnResolutions: number[]; embedding: { kind: string }; dropout: number }; return { channels: n.channels, channelMult: n.channelMult, numBlocks: n.numBlocks, attn: n.attnResolutions, embedding: n.embedding.kind, dropout: n.dropout }; },
    value: { channels: 128, channelMult: [1, 2, 2, 2], numBlocks: 4, attn: [16], embedding: 'positional', dropout: 0.1 },
    official: { channels: 128, channelMult: [1, 2, 2, 2], numBlocks: 4, attn: [16], embedding: 'positional', dropout: 0.1 },
    source: [PF('configs/poisson/cifar10_ddpmpp.py:60-63', 'nf', 'ch_mult', 'num_res_blocks', 'attn_resolutions'), PF('configs/poisson/cifar10_ddpmpp.py:76', 'positional'), PF('configs/default_cifar10_configs.py:62', 'dropout'), SS('configs/vp/cifar10_ddpmpp_continuous.py:47-50', 'nf', 'ch_mult'), SS('configs/vp/cifar10_ddpmpp_continuous.py:62', 'positional')],
    note: 'The PFGM head adds one output channel whose spatial mean is v_z (ncsnpp.py); PFGM++/EDM: preset-paper-net-pfgmpp.',
  },
  {
    id: 'net-ddpm-groups', group: 'Training', what: 'GroupNorm groups of the DDPM-style U-Net (the weaker backbone) by channel count C',
    code: 'libs/networks/src/lib/blocks/common.ts numGroups', status: 'rule',
    get: () => Object.fromEntries([16, 32, 48, 64, 128, 256].map((C) => [`C=${C}`, numGroups('ddpm', C)])),
    value: { 'C=16': 4, 'C=32': 8, 'C=48': 12, 'C=64': 16, 'C=128': 32, 'C=256': 32 },
    source: [SS('models/layers.py:625', 'num_groups=32'), SS('models/layers.py:633', 'num_groups=32'), SS('models/ddpm.py:104', 'num_groups=32'), OURS('libs/networks/src/lib/blocks/common.ts', 'numGroups')],
    note: 'score_sde\'s DDPM always uses 32 groups; its widths are multiples of 32 from 128 up, so each group holds ≥ 4 channels. The CPU presets\' 16-channel nets have 16, 32 and 48 channels: the rule takes the largest divisor of C not above min(32, C/4) — the official 32 at every official width, ≥ 4 channels per group below (as DDPM++\'s min(C/4, 32), layerspp.py:173). One channel per group (32 groups at C = 32) subtracts each channel\'s spatial mean in GN1, which removes the per-channel Dense(temb) added before it: the net ignores t / z. Found by arch-sweep --preset claims (a 16-channel DDPM PFGM model gave the same output at every z and its RK45 failed); specs: libs/networks/src/lib/blocks/common.spec.ts.',
  },
  {
    id: 'train-toy-profile', group: 'Training', what: '2-D toy training profile (every method): lr, warm-up, EMA, batch, PFGM B_L, flips',
    code: 'libs/runs/src/lib/defaults.ts trainDefaultsFor(*, toy)', status: 'rule',
    get: () => { const d = trainDefaultsFor('pfgm', 'toy'); return { lr: d.lr, warmupSteps: d.warmup, gradClip: d.gradClip, ema: d.ema.kind === 'decay' ? d.ema.beta : 'half-life', batchSize: d.batchSize, referenceSize: d.referenceSize ?? null, flip: d.flip ?? false }; },
    value: { lr: 1e-3, warmupSteps: 100, gradClip: 1, ema: 0.995, batchSize: 256, referenceSize: 1024, flip: false },
    source: [OURS('libs/runs/src/lib/defaults.ts', 'toy')],
    note: 'No official toy config: short runs on 2-D points; optimizer, clipping and loss as the CIFAR-10 recipe, lr 1e-3 / 100 warm-up steps / EMA 0.995 sized for ≈ 1000-step runs.',
  },
];

// ----------------------------------------------------------------------------
// Likelihood and bits/dim
// ----------------------------------------------------------------------------

const likelihood: FidelityEntry[] = [
  {
    id: 'pfgm-likelihood-z-exp', group: 'Likelihood and bits/dim', what: 'PFGM likelihood ODE z_exp (every dataset)',
    code: 'libs/methods/src/lib/pfgm.ts LIKELIHOOD_Z_EXP', status: 'official',
    get: () => pfgmConfig('celeba64').likelihoodZExp ?? LIKELIHOOD_Z_EXP, value: 5, official: 5,
    source: [PF('likelihood.py:160', 'z_exp', '5')],
  },
  {
    id: 'pfgm-likelihood-interval', group: 'Likelihood and bits/dim', what: 'PFGM likelihood ODE in z from z_min to z_max (renormalized field)',
    code: 'libs/methods/src/lib/pfgm.ts likelihood', status: 'official',
    get: () => { const s = makeMethod(pfgmConfig('cifar10')).likelihood([3072]); return [s.t0, s.t1]; }, value: [1e-3, 40], official: [1e-3, 40],
    source: [PF('likelihood.py:132', 'eps=1e-3'), PF('likelihood.py:215', 'eps', 'z_max'), PF('likelihood.py:171', 'v_norm')],
  },
  {
    id: 'pfgm-likelihood-sphere', group: 'Likelihood and bits/dim', what: 'PFGM prior density: area of the unit N-sphere — bits/dim of ours minus bits/dim with the official constant',
    code: 'libs/methods/src/lib/pfgm.ts likelihood (logS)', status: 'deviation', deviation: 'deliberate',
    get: () => ({ 'N=2': sphereConstantBpdShift(2), 'N=784': sphereConstantBpdShift(784), 'N=3072': sphereConstantBpdShift(3072) }),
    value: { 'N=2': 0.5, 'N=784': -0.00444024, 'N=3072': -0.00145398 }, official: { 'N=2': 0, 'N=784': 0, 'N=3072': 0 },
    source: [PF('likelihood.py:223', 'z_max', 'N + 1'), PF('likelihood.py:226-231', 'np.pi', 'gamma_N')],
    note: 'The prior on z = z_max is 2z/(S·(‖x‖² + z²)^{(N+1)/2}) with S the area of the unit sphere in R^{N+1}, 2π^{(N+1)/2}/Γ((N+1)/2); the official code divides by the R^N area 2π^{N/2}/Γ(N/2). ln S differs by ½ ln π − ln Γ((N+1)/2) + ln Γ(N/2) ≈ ½ ln(2π/N): so ours reports bits/dim 0.00145 lower on CIFAR-10 (N = 3072; 3.10 nats per image) and 0.0044 lower on Fashion-MNIST 28×28 (N = 784; 2.41 nats per image), but 0.5 bits/dim higher on 2-D toys (N = 2: ln 2 = 0.69 nats per point more NLL; the toy table reports nats). Ours is the normalized density, so the NLLs are comparable with other models\'.',
  },
  {
    id: 'bpd-offset', group: 'Likelihood and bits/dim', what: 'bits/dim offset for [−1, 1] data in 256 bins (log₂ 128)',
    code: 'libs/methods/src/lib/likelihood.ts logLikelihood (bpdOffset default)', status: 'official',
    get: () => defaultBpdOffset(), value: 7, official: 7,
    source: [PF('likelihood.py:239', 'offset', '7.'), SS('likelihood.py:109', 'offset', '7.')],
  },
  {
    id: 'bpd-dequantization', group: 'Likelihood and bits/dim', what: 'Uniform dequantization y = (p + u)/128 − 1: the 8-bit bin ⌊128(y + 1)⌋ of pixels 0, 128, 255',
    code: 'libs/data/src/lib/dequantize.ts dequantized', status: 'official',
    get: () => dequantizedBins(), value: [0, 128, 255], official: [0, 128, 255],
    source: [SS('datasets.py:171-172', 'uniform_dequantization', '255.', '256.'), SS('datasets.py:25-27', 'centered', '* 2.'), PF('datasets.py:171-172', 'uniform', '256.')],
  },
  {
    id: 'likelihood-eps', group: 'Likelihood and bits/dim', what: 'VP likelihood ODE start time ε (sampling uses 1e-3)',
    code: 'libs/methods/src/lib/vp.ts likelihood', status: 'official',
    get: () => makeMethod(vpConfig()).likelihood([4]).t0, value: 1e-5, official: 1e-5,
    source: [SS('likelihood.py:41', 'eps=1e-5')],
  },
  {
    id: 'bpd-paper-tolerance', group: 'Likelihood and bits/dim', what: 'bits/dim RK45 tolerance of the image tables\' paper presets, per method',
    code: 'experiments/src/images/image-bpd.ts bpdTol ← officialRk45Tol (paper presets set no tol)', status: 'official',
    get: () => { const c = CIFAR_BASE.paper.bpd as BpdConfig; return { pfgm: bpdTol(c, 'pfgm'), vp: bpdTol(c, 'vp'), fmnistSame: FMNIST_BASE.paper.bpd?.tol === c.tol }; },
    value: { pfgm: 1e-4, vp: 1e-5, fmnistSame: true }, official: { pfgm: 1e-4, vp: 1e-5, fmnistSame: true },
    source: [PF('likelihood.py:131-132', 'rtol=1e-4', 'atol=1e-4'), SS('likelihood.py:41', 'rtol=1e-5')],
    note: 'Fixed after this table found it (one tolerance, 1e-5, for every method): PFGM\'s likelihood uses 1e-4, VP 1e-5 (EDM has no likelihood code: score_sde\'s 1e-5). The paper presets now set no `tol` and take the method\'s official one; the cpu / ci presets keep their explicit CPU tolerances. No committed run used a paper preset.',
  },
  {
    id: 'bpd-paper-passes', group: 'Likelihood and bits/dim', what: 'bits/dim evaluation of the paper presets: test images and dequantization passes',
    code: 'experiments/src/images/image-bpd.ts imageBitsPerDim (bpd.passes)', status: 'official',
    get: () => ({ images: CIFAR_BASE.paper.bpd?.images ?? null, passes: CIFAR_BASE.paper.bpd?.passes ?? 1, probes: CIFAR_BASE.paper.bpd?.probes ?? null }),
    value: { images: 10_000, passes: 5, probes: 1 }, official: { images: 10_000, passes: 5, probes: 1 },
    source: [PF('run_lib.py:286-288', 'bpd_num_repeats', '5'), SS('run_lib.py:242', 'bpd_num_repeats', '5'), PF('run_lib.py:281', 'uniform_dequantization=True'), PF('likelihood.py:202-203', 'Rademacher')],
    note: 'Fixed after this table found it (one pass): the official evaluation goes over the test set 5 times with fresh uniform dequantization and a fresh Rademacher probe; the mean is the same, its Monte-Carlo error √5 smaller. `bpd.passes` (default 1) does the same; the paper presets set 5.',
  },
];

// ----------------------------------------------------------------------------
// Evaluation
// ----------------------------------------------------------------------------

const evaluation: FidelityEntry[] = [
  {
    id: 'fid-cifar10-reference', group: 'Evaluation', what: 'CIFAR-10 FID (paper preset): reference split and images, generated samples',
    code: 'experiments/src/images/cifar-base.ts CIFAR_BASE.paper', status: 'official',
    get: () => ({ refSplit: CIFAR_BASE.paper.refSplit, refImages: CIFAR_BASE.paper.refImages, samples: CIFAR_BASE.paper.samples }),
    value: { refSplit: 'train', refImages: 50_000, samples: 50_000 }, official: { refSplit: 'train', refImages: 50_000, samples: 50_000 },
    source: [EDM('README.md:159', 'fid.py ref', 'cifar10-32x32.zip'), EDM('dataset_tool.py:156', '50000'), EDM('fid.py:116', '--num', '50000')],
    note: 'score_sde/PFGM use the precomputed CIFAR-10 training statistics; EDM/PFGM++ `fid.py ref` over the training zip. The test split is an option (`refSplit: \'test\'`).',
  },
  {
    id: 'fid-cifar10-cpu-reference', group: 'Evaluation', what: 'CIFAR-10 FID reference split of the cpu preset',
    code: 'experiments/src/images/cifar-base.ts CIFAR_BASE.cpu', status: 'official',
    get: () => CIFAR_BASE.cpu.refSplit, value: 'train', official: 'train',
    source: [EDM('README.md:159', 'cifar10-32x32.zip')],
  },
  {
    id: 'fd-fmnist-reference', group: 'Evaluation', what: 'Fashion-MNIST FD reference split (every preset)',
    code: 'experiments/src/images/fmnist-base.ts', status: 'rule',
    get: () => ({ paper: FMNIST_BASE.paper.refSplit, cpu: FMNIST_BASE.cpu.refSplit }), value: { paper: 'test', cpu: 'test' },
    source: [OURS('experiments/src/images/fmnist-base.ts', 'refSplit')],
    note: 'No official Fashion-MNIST evaluation: FD-FMNIST (the project\'s classifier features) against held-out test images, so the score measures generalization, not recall of training images.',
  },
  {
    id: 'inception-network', group: 'Evaluation', what: 'Inception-v3 (2015-12-05 graph) for FID/IS: input size, pool features, logits, BN ε',
    code: 'libs/eval/src/lib/inception-{preprocess,layout,params}.ts', status: 'official',
    get: () => ({ size: INCEPTION_SIZE, pool: INCEPTION_POOL_DIM, classes: INCEPTION_CLASSES, bnEps: BN_EPS }),
    value: { size: 299, pool: 2048, classes: 1008, bnEps: 1e-3 }, official: { size: 299, pool: 2048, classes: 1008, bnEps: 1e-3 },
    source: [EDM('fid.py:34', 'inception-2015-12-05'), OURS('../shared/research/fid-spec.md', 'pool_3', '1008')],
    note: 'Layer details from the TorchScript / TF graph as read in ../shared/research/fid-spec.md §1.2–1.6 (the network file itself is not in the repositories).',
  },
  {
    id: 'inception-resize', group: 'Evaluation', what: 'Inception input resize and scaling by default',
    code: 'libs/eval/src/lib/inception-preprocess.ts preprocessForInception', status: 'official',
    get: () => defaultInceptionMode(), value: 'legacy-tf', official: 'legacy-tf',
    source: [EDM('fid.py:34', 'inception-2015-12-05'), OURS('../shared/research/fid-spec.md', 'TF1 legacy')],
    note: 'TF1 resize_bilinear (align_corners = false, no half-pixel centres), then (x − 128)/128: what the NVIDIA TorchScript detector used by EDM/PFGM++ `fid.py` does (fid-spec §1.4).',
  },
];

// ----------------------------------------------------------------------------
// Experiment presets vs the papers
// ----------------------------------------------------------------------------

/** The PFGM CIFAR-10 recipe as the yardstick of a budget entry (the nearest official config for Fashion-MNIST too). */
const PFGM_PAPER_BUDGET = { steps: 1_300_000, batchSize: 128, lr: 2e-4, warmup: 5000, ema: 0.9999, referenceSize: 4096, weights: 'ema', channels: 128, dropout: 0.1 };

const presets: FidelityEntry[] = [
  {
    id: 'preset-fmnist-cpu', group: 'Experiment presets vs the papers', what: 'fmnist-table / euler-sweep cpu preset: training budget and network',
    code: 'experiments/src/images/fmnist-base.ts FMNIST_BASE.cpu', status: 'deviation', deviation: 'budget',
    get: () => { const c = FMNIST_BASE.cpu; return { steps: c.steps ?? null, batchSize: c.batchSize ?? null, lr: c.lr ?? null, warmup: c.warmup ?? null, ema: c.emaBeta ?? null, referenceSize: c.referenceSize ?? null, weights: c.sampleWeights ?? 'ema', channels: (c.netOverrides as { channels?: number }).channels ?? null, dropout: (c.netOverrides as { dropout?: number }).dropout ?? null }; },
    value: { steps: 4000, batchSize: 32, lr: 1e-3, warmup: 100, ema: 0.999, referenceSize: 2048, weights: 'ema', channels: 16, dropout: 0 },
    official: PFGM_PAPER_BUDGET,
    source: [PF('configs/default_cifar10_configs.py:10', 'n_iters'), PF('configs/poisson/cifar10_ddpmpp.py:27-28', 'batch_size'), PF('configs/poisson/cifar10_ddpmpp.py:57-60', 'ema_rate', 'nf')],
    note: 'CPU budget (2 shared cores): a 189k-parameter U-Net, 4000 steps (≈ 0.3 % of 1.3M; ≈ 15 min per model at 4.4–4.8 steps/s idle with the OpenBLAS kernels of issue 13; 800 with plain wasm, 2000 with the first native kernels) at batch 32 with lr 1e-3 and 100 warm-up steps so it learns at all; samples use the EMA (0.999 with score_sde\'s warm-up, see train-ema-warmup). The committed 2026-11/12 fmnist-table and euler-sweep cpu runs used the 800-step budget with the raw weights (their config.json). Changes every FD-FMNIST and bits/dim number of the committed tables (they are far from converged models\' values).',
  },
  {
    id: 'preset-fmnist-claims', group: 'Experiment presets vs the papers', what: 'claims preset (issue 14): training budget, seeds and samples per cell',
    code: 'experiments/src/images/fmnist-base.ts FMNIST_BASE.claims', status: 'deviation', deviation: 'budget',
    get: () => { const c = FMNIST_BASE.claims; return { steps: c.steps ?? null, batchSize: c.batchSize ?? null, ema: c.emaBeta ?? null, weights: c.sampleWeights ?? 'ema', seeds: c.seeds?.length ?? 1, samples: c.samples, refImages: c.refImages }; },
    value: { steps: 3000, batchSize: 32, ema: 0.999, weights: 'ema', seeds: 3, samples: 500, refImages: 10_000 },
    official: { steps: 1_300_000, batchSize: 128, ema: 0.9999, weights: 'ema', seeds: 1, samples: 50_000, refImages: 50_000 },
    source: [PF('configs/default_cifar10_configs.py:10', 'n_iters'), PF('configs/poisson/cifar10_ddpmpp.py:27-28', 'batch_size'), EDM('fid.py:116', '50000')],
    note: 'The papers report one training per cell with 50k samples; 3000 steps were fixed when the claims runs started and stay for every model of a comparison; at CPU scale one training says nothing about a difference between methods, so every cell is trained and sampled with 3 seeds and judged by intervals (experiments/src/claims). 500 samples against the 10 000 test images: FD is biased upward alike for every cell; its sampling noise is measured by extra sampling seeds.',
  },
  {
    id: 'preset-fmnist-cpu-sampling', group: 'Experiment presets vs the papers', what: 'fmnist cpu preset: samples, reference images, RK45 step cap, bits/dim images and tolerance',
    code: 'experiments/src/images/fmnist-base.ts FMNIST_BASE.cpu', status: 'deviation', deviation: 'budget',
    get: () => { const c = FMNIST_BASE.cpu; return { samples: c.samples, refImages: c.refImages, rk45MaxSteps: c.rk45MaxSteps, bpdImages: c.bpd?.images ?? null, bpdTol: c.bpd?.tol ?? null }; },
    value: { samples: 200, refImages: 2000, rk45MaxSteps: 150, bpdImages: 16, bpdTol: 1e-4 },
    official: { samples: 50_000, refImages: 50_000, rk45MaxSteps: null, bpdImages: 10_000, bpdTol: 1e-5 },
    source: [EDM('fid.py:116', '50000'), SS('sampling.py:415', 'rtol'), SS('likelihood.py:41', 'rtol=1e-5')],
    note: 'CPU budget: 200 samples make FD biased upward (compare rows within the table only); RK45 capped at 150 steps (scipy has no cap: a capped solve is reported as failed); 16 bits/dim images at 1e-4.',
  },
  {
    id: 'preset-cifar10-cpu', group: 'Experiment presets vs the papers', what: 'cifar10-table cpu preset: training budget and network',
    code: 'experiments/src/images/cifar-base.ts CIFAR_BASE.cpu', status: 'deviation', deviation: 'budget',
    get: () => { const c = CIFAR_BASE.cpu; return { steps: c.steps ?? null, batchSize: c.batchSize ?? null, lr: c.lr ?? null, warmup: c.warmup ?? null, ema: c.emaBeta ?? null, referenceSize: c.referenceSize ?? null, weights: c.sampleWeights ?? 'ema', channels: (c.netOverrides as { channels?: number }).channels ?? null, dropout: (c.netOverrides as { dropout?: number }).dropout ?? null }; },
    value: { steps: 4500, batchSize: 32, lr: 1e-3, warmup: 100, ema: 0.999, referenceSize: 2048, weights: 'ema', channels: 16, dropout: 0 },
    official: PFGM_PAPER_BUDGET,
    source: [PF('configs/default_cifar10_configs.py:10', 'n_iters'), PF('configs/poisson/cifar10_ddpmpp.py:27-28', 'batch_size'), PF('configs/poisson/cifar10_ddpmpp.py:57-60', 'ema_rate', 'nf')],
    note: 'CPU budget; not run for the committed results (4500 steps with the OpenBLAS kernels at 3.1× plain wasm; 3000 at 2×, 1500 with plain wasm). Samples 2500 against 10 000 training images (FID biased upward).',
  },
  {
    id: 'preset-paper-length', group: 'Experiment presets vs the papers', what: 'paper presets (CIFAR-10 table): steps, batch and dropout of each method\'s model',
    code: 'experiments/src/images/image-sweep.ts cellModelSpec ← trainDefaultsFor(*, paper) ← libs/methods *TrainingDefaults', status: 'official',
    get: () => Object.fromEntries((['pfgm', 'vp', 'pfgmpp', 'edm'] as const).map((name) => {
      const m = cellModelSpec({ method: name === 'pfgmpp' ? { name, D: 128 } : { name }, net: 'ddpmpp' }, CIFAR_BASE.paper, '');
      return [name, [m.steps, m.batchSize ?? null, (m.net as { dropout?: number }).dropout ?? null]];
    })),
    value: { pfgm: [1_300_000, 128, 0.1], vp: [1_300_000, 128, 0.1], pfgmpp: [390_625, 512, 0.13], edm: [390_625, 512, 0.13] },
    official: { pfgm: [1_300_000, 128, 0.1], vp: [1_300_000, 128, 0.1], pfgmpp: [390_625, 512, 0.13], edm: [390_625, 512, 0.13] },
    source: [
      PF('configs/default_cifar10_configs.py:10', 'n_iters', '1300001'), PF('configs/default_cifar10_configs.py:62', 'dropout', '0.1'), SS('configs/default_cifar10_configs.py:10', 'n_iters'),
      PP('train.py:54', 'duration', '200'), PP('train.py:56', 'batch', '512'), PP('train.py:64', 'dropout', '0.13'), EDM('train.py:51-52', 'duration', 'batch'),
    ],
    note: 'Since 0a917af (issue #12 item 5). PFGM++/EDM: 200 Mimg / 512 = 390 625 steps. score_sde\'s loop runs n_iters = 1 300 001 (steps 0…n_iters): one or two steps more than 1.3M, immaterial.',
  },
  {
    id: 'preset-paper-net-pfgmpp', group: 'Experiment presets vs the papers', what: 'Network of the CIFAR-10 paper preset for PFGM++ / EDM (EDM SongUNet, --arch=ncsnpp)',
    code: 'experiments/src/images/image-experiment.ts officialNet (nets: \'official\'); libs/networks/src/lib/presets.ts ncsnpp-edm', status: 'official',
    get: () => {
      const cell = cifar10Table.cells(cifar10Table.presets.paper).find((c) => c.method.name === 'pfgmpp');
      const n = cellModelSpec(cell ?? { method: { name: 'pfgmpp', D: 128 }, net: 'ddpmpp' }, CIFAR_BASE.paper, '').net as { style: string; channelMult: number[]; embedding: { kind: string } };
      return { preset: cell?.net ?? null, channelMult: n.channelMult, embedding: n.embedding.kind };
    },
    value: { preset: 'ncsnpp-edm', channelMult: [2, 2, 2], embedding: 'fourier' }, official: { preset: 'ncsnpp-edm', channelMult: [2, 2, 2], embedding: 'fourier' },
    source: [PP('train.py:126-128', 'ncsnpp', 'fourier', 'channel_mult=[2,2,2]'), PP('README.md:214-215', '--arch=ncsnpp', '1.92', '1.91')],
    note: 'Issue #12 item 5 (was: every method on score_sde\'s DDPM++): PFGM++\'s CIFAR-10 checkpoints use EDM\'s SongUNet with --arch=ncsnpp (Fourier embedding, residual encoder, FIR resampling [1,3,3,1], channel_mult [2,2,2] at 128 channels), the `ncsnpp-edm` preset (parameter count equal to the official EDMPrecond); PFGM and VP keep score_sde\'s DDPM++.',
  },
  {
    id: 'preset-euler-sweep-nfe', group: 'Experiment presets vs the papers', what: 'euler-sweep NFEs (cpu and paper presets)',
    code: 'experiments/src/images/euler-sweep.ts', status: 'deviation', deviation: 'deliberate',
    get: () => eulerSweep.presets.cpu.solvers.map((s) => s.nfe ?? null), value: [5, 10, 20, 50, 100, 200], official: [10, 20, 50, 100],
    source: [PF('run.sh:1-11', 'sampling.N')],
    note: 'A superset of the official sweep (issue #12): NFE 5 and 200 bracket it so the curve shows where each method breaks.',
  },
  {
    id: 'preset-toy-cpu', group: 'Experiment presets vs the papers', what: 'toy-table cpu preset vs its paper preset (no official toy config): steps, MLP, training points, samples',
    code: 'experiments/src/toy-table/toy-table.ts presets', status: 'deviation', deviation: 'budget',
    get: () => { const c = toyTable.presets.cpu; return { steps: c.steps, hidden: c.hidden, trainPoints: c.trainPoints, samples: c.samples, datasets: c.datasets.length }; },
    value: { steps: 800, hidden: [128, 128, 128], trainPoints: 10_000, samples: 2000, datasets: 2 },
    official: (() => { const c = toyTable.presets.paper; return { steps: c.steps, hidden: c.hidden, trainPoints: c.trainPoints, samples: c.samples, datasets: c.datasets.length }; })(),
    source: [OURS('experiments/src/toy-table/toy-table.ts', 'paper', 'cpu')],
    note: 'CPU budget; the "official" column here is the project\'s own paper preset (2-D toys have no official config). 800 steps at the toy profile (train-toy-profile), 2 of the 4 toys.',
  },
];

/** Every entry, in document order. */
export const FIDELITY_TABLE: readonly FidelityEntry[] = [...pfgm, ...pfgmpp, ...vp, ...solvers, ...training, ...likelihood, ...evaluation, ...presets];
