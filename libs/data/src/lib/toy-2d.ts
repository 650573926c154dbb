import { Rng } from '@pfgm/tensor';
import { checkMixture, mixtureLogDensity, sampleMixture, type GaussianMixture2d } from './gaussian-mixture.js';
import { PointDataset, type LogDensity } from './point-dataset.js';

/** Names of the 2-D toy distributions (FFJORD's toy set, Grathwohl et al. 2019, plus a skewed mixture). */
export const TOY_2D_NAMES = ['8gaussians', 'checkerboard', 'moons', 'swissroll', 'rings', 'mixture'] as const;
export type Toy2dName = (typeof TOY_2D_NAMES)[number];

/** A 2-D toy: a seeded sampler and, where closed-form, its exact log-density. */
export interface Toy2d {
  readonly name: Toy2dName;
  /** n points [n, 2] in float64. */
  sample(n: number, rng: Rng): Float64Array;
  /** Exact log p(x) for points [n, 2], when the density has a closed form. */
  readonly logDensity?: LogDensity;
}

/** 8 Gaussians (FFJORD `8gaussians`): centres at radius 4/√2 on the 8 compass directions, std 0.5/√2. */
export const EIGHT_GAUSSIANS: GaussianMixture2d = (() => {
  const R = 4 / Math.SQRT2;
  const v = (0.5 / Math.SQRT2) ** 2;
  const dirs = Array.from({ length: 8 }, (_, k) => (k * Math.PI) / 4);
  return {
    weights: dirs.map(() => 1 / 8),
    means: dirs.map((t) => [R * Math.cos(t), R * Math.sin(t)] as const),
    covs: dirs.map(() => [v, 0, v] as const),
  };
})();

/** A skewed 3-component mixture with correlated covariances: the known density for likelihood checks. */
export const SKEWED_MIXTURE: GaussianMixture2d = {
  weights: [0.5, 0.3, 0.2],
  means: [
    [-1.5, 0.5],
    [1.2, 1.0],
    [0.3, -1.4],
  ],
  covs: [
    [0.3, 0.1, 0.2],
    [0.15, -0.05, 0.35],
    [0.5, 0.2, 0.25],
  ],
};

/** Checkerboard (FFJORD): uniform on the 8 dark 2×2 squares of [−4, 4]² where ⌊x/2⌋ + ⌊y/2⌋ is even; density 1/32 there. */
function checkerboardSample(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const cx = Math.floor(rng.next() * 4) - 2; // column −2..1
    const cy = 2 * Math.floor(rng.next() * 2) - 2 + (((cx % 2) + 2) % 2); // row of matching parity
    out[2 * i] = 2 * (cx + rng.next());
    out[2 * i + 1] = 2 * (cy + rng.next());
  }
  return out;
}

function checkerboardLogDensity(x: ArrayLike<number>): Float64Array {
  const n = Math.floor(x.length / 2);
  return Float64Array.from({ length: n }, (_, i) => {
    const [a, b] = [x[2 * i], x[2 * i + 1]];
    const inside = a >= -4 && a < 4 && b >= -4 && b < 4;
    const dark = (((Math.floor(a / 2) + Math.floor(b / 2)) % 2) + 2) % 2 === 0;
    return inside && dark ? -Math.log(32) : -Infinity;
  });
}

/** Two moons (sklearn `make_moons`, noise 0.1, random angles), scaled ×2 and shifted by (−1, −0.2) as in FFJORD. */
function moonsSample(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = Math.PI * rng.next();
    const upper = i % 2 === 0;
    const x = upper ? Math.cos(t) : 1 - Math.cos(t);
    const y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    out[2 * i] = 2 * (x + 0.1 * rng.nextNormal()) - 1;
    out[2 * i + 1] = 2 * (y + 0.1 * rng.nextNormal()) - 0.2;
  }
  return out;
}

/** Swiss roll (sklearn `make_swiss_roll`, noise 1, coordinates x and z, ÷5 as in FFJORD): t = 1.5π(1 + 2u). */
function swissrollSample(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = 1.5 * Math.PI * (1 + 2 * rng.next());
    out[2 * i] = (t * Math.cos(t) + rng.nextNormal()) / 5;
    out[2 * i + 1] = (t * Math.sin(t) + rng.nextNormal()) / 5;
  }
  return out;
}

/** Radii of the concentric rings (FFJORD `rings`: 3 · {1, 0.75, 0.5, 0.25}); points are uniform in angle. */
export const RING_RADII = [3, 2.25, 1.5, 0.75] as const;

/** Concentric rings, isotropic noise std 0.08, ring chosen by i mod 4 (equal counts). */
function ringsSample(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const r = RING_RADII[i % 4];
    const t = 2 * Math.PI * rng.next();
    out[2 * i] = r * Math.cos(t) + 0.08 * rng.nextNormal();
    out[2 * i + 1] = r * Math.sin(t) + 0.08 * rng.nextNormal();
  }
  return out;
}

function fromMixture(name: Toy2dName, m: GaussianMixture2d): Toy2d {
  checkMixture(m);
  return { name, sample: (n, rng) => sampleMixture(m, n, rng), logDensity: (x) => mixtureLogDensity(m, x) };
}

/** The toy distribution called `name`. */
export function toy2d(name: Toy2dName): Toy2d {
  switch (name) {
    case '8gaussians':
      return fromMixture(name, EIGHT_GAUSSIANS);
    case 'mixture':
      return fromMixture(name, SKEWED_MIXTURE);
    case 'checkerboard':
      return { name, sample: checkerboardSample, logDensity: checkerboardLogDensity };
    case 'moons':
      return { name, sample: moonsSample };
    case 'swissroll':
      return { name, sample: swissrollSample };
    case 'rings':
      return { name, sample: ringsSample };
  }
}

/** True when `name` is a known toy. */
export function isToy2dName(name: string): name is Toy2dName {
  return (TOY_2D_NAMES as readonly string[]).includes(name);
}

/** n seeded points of a toy as a dataset: stream (seed, [0]) for 'train', (seed, [1]) for held-out 'test' points. */
export function toyDataset(name: Toy2dName, n: number, seed = 0, split: 'train' | 'test' = 'train'): PointDataset {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`toy:${name}: the number of points must be a positive integer, got ${n}`);
  const toy = toy2d(name);
  const points = Float32Array.from(toy.sample(n, new Rng(seed, [split === 'train' ? 0 : 1])));
  return new PointDataset(`toy:${name}`, points, 2, toy.logDensity);
}
