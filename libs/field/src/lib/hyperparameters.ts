/** Inputs of the PFGM hyperparameter recipe (official `hyper-parameters.py`; PFGM App. B.1/B.2; spec §1.7). */
export interface PfgmRecipeInput {
  /** Average L2 norm of the (centered, [−1, 1]) training data. Script default 30. */
  avgNorm: number;
  /** Data dimension N = C·H·W. Script default 3072. */
  N: number;
  /** σ (`model.sigma_end`). Default 0.01. */
  sigma?: number;
  /** τ. Default 0.03. */
  tau?: number;
}

/** M, z_max and upper_norm from the recipe. */
export interface PfgmRecipe {
  /** M = ⌊0.75·ln(‖y‖²/(2√N·σ²))/ln(1+τ)⌋ + 1. */
  M: number;
  /** z_max = √(2/π)·σ·(1+τ)^M (the mean z̃ at m = M). */
  zMax: number;
  /** upper_norm = √N·σ·(1+τ)^M (the typical perturbation norm at m = M). */
  upperNorm: number;
}

/** The PFGM hyperparameter recipe: defaults (30, 3072) give M = 287 (configs use 291). */
export function pfgmRecipe(input: PfgmRecipeInput): PfgmRecipe {
  const { avgNorm, N, sigma = 0.01, tau = 0.03 } = input;
  if (!(avgNorm > 0 && N >= 1 && sigma > 0 && tau > 0)) {
    throw new Error(`pfgmRecipe: need avgNorm > 0, N ≥ 1, sigma > 0, tau > 0 (defaults 30, 3072, 0.01, 0.03); got ${avgNorm}, ${N}, ${sigma}, ${tau}`);
  }
  const M = Math.floor((0.75 * Math.log((avgNorm * avgNorm) / (2 * Math.sqrt(N) * sigma * sigma))) / Math.log(1 + tau)) + 1;
  const s = Math.pow(1 + tau, M);
  return { M, zMax: Math.sqrt(2 / Math.PI) * sigma * s, upperNorm: Math.sqrt(N) * sigma * s };
}

/** The average L2 norm of the rows of a flattened data array [n, N] (float64), the recipe's input. */
export function averageNorm(data: ArrayLike<number>, N: number): number {
  const n = Math.floor(data.length / N);
  if (n < 1 || n * N !== data.length) throw new Error(`averageNorm: data length ${data.length} is not a positive multiple of N = ${N}`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = i * N; j < (i + 1) * N; j++) sq += data[j] * data[j];
    total += Math.sqrt(sq);
  }
  return total / n;
}

/**
 * The official (N, z_exp) pairs: CIFAR-10 32²×3 → 5, CelebA 64²×3 → 1, LSUN 256²×3 → 0.1
 * (Poisson_flow `configs/default_cifar10_configs.py:30`, `default_celeba_configs.py:29`, `default_lsun_configs.py:29`).
 */
export const OFFICIAL_Z_EXP: readonly { N: number; zExp: number }[] = [
  { N: 3072, zExp: 5 },
  { N: 12288, zExp: 1 },
  { N: 196608, zExp: 0.1 },
];

/**
 * z_exp for data without an official config (the rule of this project, beside the recipe above): log z_exp linear in
 * log N between the official pairs ({@link OFFICIAL_Z_EXP}), held at the end values outside them. So every official
 * dataset gets its own value, data with N ≤ 3072 (Fashion-MNIST 784, 2-D toys) get CIFAR-10's 5 — the nearest
 * official config —, and the substitution is never switched off (the official code always applies it).
 */
export function pfgmZExp(N: number): number {
  if (!(N >= 1)) throw new Error(`pfgmZExp: need the data dimension N ≥ 1, got ${N}`);
  const pts = OFFICIAL_Z_EXP;
  if (N <= pts[0].N) return pts[0].zExp;
  for (let i = 1; i < pts.length; i++) {
    if (N <= pts[i].N) {
      const w = Math.log(N / pts[i - 1].N) / Math.log(pts[i].N / pts[i - 1].N);
      return Math.exp((1 - w) * Math.log(pts[i - 1].zExp) + w * Math.log(pts[i].zExp));
    }
  }
  return pts[pts.length - 1].zExp;
}
