import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';
import type { TimeGrid, VectorField } from '@pfgm/ode';

/**
 * One training batch in the raw network's coordinates (k-diffusion `Denoiser.loss`), so one generic loop serves every
 * method: loss = mean_i weight_i · Σ_k (net(input, cond)_ik − target_ik)².
 */
export interface TrainingPair {
  /** Network input, [B, ...data] (PFGM: x̃; PFGM++/EDM: c_in·x; VP: x_t). */
  input: tf.Tensor;
  /** Conditioning label, [B] (PFGM: z or ln z; PFGM++/EDM: c_noise = ln σ/4; VP: 999·t). */
  cond: tf.Tensor1D;
  /** Regression target, [B, ...out] (PFGM: normalized field [B, N+1]; PFGM++/EDM: (y − c_skip·x)/c_out; VP: ε). */
  target: tf.Tensor;
  /** Per-sample weight, [B] (PFGM: 0.5, the official 0.5·sum; EDM: λ(σ)·c_out² = 1; VP: 1/N, the official mean). */
  weight: tf.Tensor1D;
}

/**
 * A method-space prediction at time t for a batch x [B, ...data]: the normalized Poisson field [B, N+1] at z = t
 * (PFGM), the denoised data [B, ...data] (PFGM++/EDM at σ = t), or the noise ε̂ [B, ...data] of x_t = α·y + std·ε
 * (VP at time t: the official ε-network output, so the score −ε̂/std stays finite wherever std > 0).
 */
export type Predictor = (x: tf.Tensor, t: number) => tf.Tensor;

/** A predictor that holds tensors (an oracle's reference batch): call `dispose` when done. */
export interface OwnedPredictor {
  predict: Predictor;
  dispose(): void;
}

/** The minimal raw network this library needs (`@pfgm/networks` Network satisfies it): F(x, cond), [B, ...in] → [B, ...out]. */
export interface RawNet {
  apply(x: tf.Tensor, cond: tf.Tensor1D, training?: boolean): tf.Tensor;
}

/** PFGM (Xu et al. 2022). Defaults: {@link pfgmConfig}. */
export interface PfgmConfig {
  kind: 'pfgm';
  /** z_max: the prior hyperplane. CIFAR-10 40, CelebA 60, LSUN 100. */
  zMax: number;
  /** z_min = ε: sampling stops here. 1e-3. */
  zMin: number;
  /** Prior radii are clipped to [1, upperNorm]. CIFAR-10 3000, CelebA 6000, LSUN 30000. */
  upperNorm: number;
  /** γ of the target √N·E/(‖E‖+γ). 5. */
  gamma: number;
  /**
   * Below z_exp the sampler replaces v_z by its analytic form (App. B.2.3; `methods.py::Poisson.ode`). CIFAR-10 5,
   * CelebA 1, LSUN 0.1 (`configs/default_*_configs.py`); other data: {@link pfgmZExp} of `@pfgm/field`. The likelihood
   * always uses 5 (`likelihood.py` hard-codes it).
   */
  zExp: number;
  /** z_exp of the likelihood ODE. Absent: 5, as `likelihood.py:160` hard-codes (0 switches the substitution off, for exact-field checks). */
  likelihoodZExp?: number;
  /** M: perturbation exponents m ~ U[0, M). CIFAR-10/CelebA 291, LSUN 356. */
  M: number;
  /** τ: s = (1+τ)^m. 0.03. */
  tau: number;
  /** σ (`model.sigma_end`). 0.01. */
  sigma: number;
  /** restrict_M (App. B.1.1). true in every official config. */
  restrictM: boolean;
  /** ODE time variable per solver (see {@link PfgmTime}). Official (default): RK45 in t = ln z, fixed-step solvers in z. */
  time: PfgmTime;
  /** Network label: 'z' (DDPM++ positional embedding) or 'log-z' (NCSN++ Fourier embedding). */
  condition: 'z' | 'log-z';
  /** Loss reduction: 'sum' (0.5·sum, CIFAR-10/CelebA) or 'mean' (LSUN, reduce_mean). */
  reduce: 'sum' | 'mean';
  /** Regularizer δ of dx/dz = v_x/(v_z + δ) (spec §2.2; see {@link VzShift}). Official (and default when absent): +1e-5. */
  vzShift?: VzShift;
  /**
   * RK45 state (`sampling.py::get_rk45_sampler_pfgm`): 'xz' (default when absent) integrates [x, z] with one z entry per
   * pixel (the official extra channel, dz/dt = z), so scipy's error norm averages over those entries too; 'x' integrates x only.
   */
  rk45State?: 'xz' | 'x';
}

/**
 * The variable PFGM's backward ODE is integrated in (spec §2.4):
 * - 'official': RK45 in t = ln z (`sampling.py::get_rk45_sampler_pfgm`, `solve_ivp` from ln z_max to ln ε) and the
 *   fixed-step solvers in z on a grid uniform in ln z (`sampling.py::ForwardEulerPredictor`/`ImprovedEulerPredictor`:
 *   x ← x + z·(dx/dz)·(e^{Δt} − 1) = x + (dx/dz)·(z_{i+1} − z_i)).
 * - 'log-z': every solver in t = ln z (Euler then steps x by z·(dx/dz)·Δt: not the official fixed-step update).
 * - 'z': every solver in z (RK45 too).
 */
export type PfgmTime = 'official' | 'log-z' | 'z';

/** The kind of solver an ODE is integrated with: the PFGM time variable depends on it ({@link PfgmTime}). */
export type SolverKind = 'euler' | 'heun' | 'rk4' | 'rk45';

/**
 * The δ of PFGM's drift dx/dz = v_x/(v_z + δ) (`methods.py::Poisson.ode`, spec §2.2).
 * - 'official': δ = +1e-5. The toward-data v_z is < 0 with |v_z| = √N·z·Σc/(‖E‖ + γ) ∝ z, so where |v_z| < 1e-5 the
 *   denominator crosses 0 (a pole) and the flow then runs away from the data. CIFAR-10 never gets there
 *   (|v_z| ≈ 1e-2 at z_min = 1e-3); 2-D data does at z ≈ 1e-5·(‖E‖ + γ)/√N ≈ 3.5e-5.
 * - 'signed': δ = sign(v_z)·eps (sign(0) = −1): |denominator| ≥ eps, never singular. eps = 0 is the exact field-line
 *   ODE v_x/v_z, safe wherever v_z < 0 strictly: the exact field (oracle), and below z_exp the substituted v_z.
 */
export type VzShift = { kind: 'official' } | { kind: 'signed'; eps: number };

/** PFGM++ (Xu et al. 2023) with EDM preconditioning; D = Infinity is EDM (Karras et al. 2022). Defaults: {@link pfgmppConfig}. */
export interface PfgmppConfig {
  kind: 'pfgmpp';
  /** D: augmented dimensions, r = σ√D. CIFAR-10 128 / 2048; Infinity = diffusion (EDM). */
  D: number;
  /** σ_min of the sampling grid. 0.002. */
  sigmaMin: number;
  /** σ_max of the grid and the prior. 80. */
  sigmaMax: number;
  /** σ_data of the preconditioning. 0.5. */
  sigmaData: number;
  /** ρ of the EDM grid. 7. */
  rho: number;
  /** Training ln σ ~ N(P_mean, P_std²): P_mean. −1.2. */
  pMean: number;
  /** P_std. 1.2. */
  pStd: number;
  /** Clip s ~ Beta(N/2, D/2) to [c, 1−c] in training, as the official code (c = 1e-3); 0 = exact law. */
  clipBeta: number;
  /**
   * Training target of the denoiser (spec §4.4): 'clean' (default when absent) the clean y, the paper's unbiased
   * objective; 'stf' (official `--stf=1`, off by default) the posterior mean E[y | x, σ] over the reference batch
   * passed to `perturb` (weights ∝ (‖x − y_j‖² + r²)^{−(N+D)/2}, r = σ√D; Gaussian for D = ∞: `stf_scores`).
   */
  target?: 'clean' | 'stf';
}

/** VP-SDE probability-flow ODE (Song et al. 2021). Defaults: {@link vpConfig}. */
export interface VpConfig {
  kind: 'vp';
  /** β_min. 0.1. */
  betaMin: number;
  /** β_max. 20. */
  betaMax: number;
  /** Sampling stops at t = ε. 1e-3 (likelihood: 1e-5). */
  epsT: number;
  /** Training t ~ U[ε_train, 1]. 1e-5. */
  epsTrain: number;
  /**
   * Final noise-free reverse-diffusion (DDPM) step at t = ε after RK45 (score_sde `noise_removal`, passed to the RK45
   * sampler only: `sampling.py::get_sampling_fn`; the fixed-step `get_ode_sampler` returns x as it is). true.
   */
  denoise: boolean;
  /** Also apply the noise removal after fixed-step solvers (Euler/Heun/RK4). Absent: false, as the official fixed-step sampler. */
  denoiseFixedStep?: boolean;
  /**
   * Euler's step on the grid linspace(1, ε, N + 1). Absent or 'official': Δt = −1/N (Poisson_flow
   * `sampling.py:285` `ForwardEulerPredictor`, VP branch: a total time of 1, not 1 − ε); 'grid': the grid spacing
   * −(1 − ε)/N. Heun always steps on the grid (Poisson_flow's `ImprovedEulerPredictor` cannot run for VP: see vp.ts).
   */
  eulerStep?: 'official' | 'grid';
}

export type MethodConfig = PfgmConfig | PfgmppConfig | VpConfig;

/** Time interval of the likelihood ODE (data → prior) and the prior's log-density there. */
export interface LikelihoodSpec {
  /** Start (data side) and end (prior side) of the forward ODE, in the method's likelihood time variable. */
  t0: number;
  t1: number;
  /** Forward drift dx/dt in that variable (for PFGM: in z, with the renormalized field; spec §3). */
  velocity(p: Predictor): VectorField;
  /** log p_prior(x(t1)) per row, float64 (natural log). */
  priorLogDensity(x: tf.Tensor): Float64Array;
}

/** One generative method behind a common interface (aesthetics §3). */
export interface Method {
  readonly config: MethodConfig;
  /** Per-sample network shapes for data of shape `dataShape` (PFGM: out = [N+1]). */
  networkIo(dataShape: readonly number[]): { inShape: number[]; outShape: number[] };
  /** Perturb a clean batch [B, ...data]; PFGM computes its target against `reference` (the large batch, default x0 itself). */
  perturb(x0: tf.Tensor, rng: Rng, reference?: tf.Tensor): TrainingPair;
  /** Wrap a raw network with this method's preconditioning. */
  predictor(net: RawNet): Predictor;
  /** The exact optimum of the predictor for the finite dataset `data` [n, ...]: the training-free truth. */
  oracle(data: tf.Tensor): OwnedPredictor;
  /** Backward (generative) ODE dx/dt in the method's time variable for `solver`, to integrate along {@link timeGrid}. */
  velocity(p: Predictor, solver: SolverKind): VectorField;
  /** n prior samples [n, ...dataShape]; row i uses rng.forSample(i). */
  prior(n: number, dataShape: readonly number[], rng: Rng): tf.Tensor;
  /** Default discretization from the prior to the data (float64) for `solver` (rk45 uses only its end points). */
  timeGrid(steps: number, solver: SolverKind): TimeGrid;
  /** Final map after an ODE solved with `solver` (VP noise removal after rk45; identity otherwise). Returns a fresh tensor. */
  finalize(p: Predictor, x: tf.Tensor, tEnd: number, solver: SolverKind): tf.Tensor;
  /** The forward ODE and prior density used by {@link logLikelihood}. */
  likelihood(dataShape: readonly number[]): LikelihoodSpec;
}
