import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../harness/experiment.js';
import { weakerArchitectureClaim } from './arch-claims.js';
import { values } from './claim.js';
import { dSweetSpotClaim } from './d-claims.js';
import { eulerRobustnessClaim, rk45NfeClaim } from './euler-claims.js';
import { samplingNoise } from './noise.js';
import { robustnessClaim } from './robustness-claims.js';
import { seedSummary } from './seed-summary.js';
import { writeClaims } from './write-claims.js';

const FD = 'fd_fmnist';
const seeds = [1, 2, 3];
const jitter = [0, 1.5, -1.2]; // per-seed spread shared by the synthetic cells

function eulerRows(pfgm: (nfe: number) => number, vp: (nfe: number) => number): Row[] {
  return [5, 10, 20, 50, 100].flatMap((nfe) =>
    seeds.flatMap((seed, i) => [
      { method: 'PFGM', D: null, net: 'ddpmpp-small', seed, sampling_seed: seed, solver: `Euler (${nfe} steps)`, alpha: null, quant_bits: null, nfe, [FD]: pfgm(nfe) + jitter[i] },
      { method: 'VP-ODE', D: null, net: 'ddpmpp-small', seed, sampling_seed: seed, solver: `Euler (${nfe} steps)`, alpha: null, quant_bits: null, nfe, [FD]: vp(nfe) + jitter[(i + 1) % 3] },
    ]),
  );
}

describe('claim 1: Euler robustness', () => {
  it('reproduced when VP-ODE degrades more at every NFE ≤ 20, not reproduced when PFGM does, inconclusive within noise', () => {
    expect(eulerRobustnessClaim(eulerRows((n) => 50 + 100 / n, (n) => 60 + 800 / n), FD).verdict).toBe('reproduced');
    expect(eulerRobustnessClaim(eulerRows((n) => 60 + 800 / n, (n) => 50 + 100 / n), FD).verdict).toBe('not reproduced');
    expect(eulerRobustnessClaim(eulerRows((n) => 50 + 100 / n, (n) => 70 + 100 / n), FD).verdict).toBe('inconclusive at this scale');
  });
  it('judges NFE 5, 10, 20 on degradations from the largest NFE, and ignores sampling-noise draws', () => {
    const rows = [...eulerRows((n) => 50 + 100 / n, (n) => 60 + 800 / n), { method: 'PFGM', net: 'ddpmpp-small', seed: 1, sampling_seed: 1001, solver: 'Euler (5 steps)', nfe: 5, [FD]: 1e6 }];
    const r = eulerRobustnessClaim(rows, FD);
    const judged = r.comparisons.filter((c) => !c.what.includes('not judged'));
    expect(judged.map((c) => c.what)).toEqual([5, 10, 20].map((n) => `Euler NFE ${n}: FD degradation from NFE 100, VP-ODE − PFGM`));
    // NFE 5: VP degrades 800/5 − 800/100 = 152, PFGM 100/5 − 1 = 19 → 133 (the per-seed jitter cancels within a model)
    expect(judged[0].interval.estimate).toBeCloseTo(152 - 19, 9);
  });
});

describe('claim 2: RK45 NFE', () => {
  const rows = (p: number[], v: number[]): Row[] => seeds.flatMap((seed, i) => [
    { method: 'PFGM', seed, sampling_seed: seed, solver: 'RK45', nfe: p[i], [FD]: 100 },
    { method: 'VP-ODE', seed, sampling_seed: seed, solver: 'RK45', nfe: v[i], [FD]: 110 },
  ]);
  it('reproduced when VP-ODE needs clearly more NFE', () => {
    expect(rk45NfeClaim(rows([200, 206, 212], [500, 520, 610]), FD).verdict).toBe('reproduced');
    expect(rk45NfeClaim(rows([500, 520, 610], [200, 206, 212]), FD).verdict).toBe('not reproduced');
  });
});

/**
 * A robustness run's rows (robustness.ts, claims preset): per D and seed the unperturbed α = 0 cell (FD `base(D)`),
 * α = 0.2, 6 Heun steps (α null) and 5-bit weights, each EDM (D = ∞) perturbation worse by `edmWorse`.
 */
function robustRows(Ds: number[], base: (d: number) => number, edmWorse: number): Row[] {
  return Ds.flatMap((D) => seeds.flatMap((seed, i) => {
    const extra = D === Infinity ? edmWorse : 0;
    const cell = { method: 'm', D, seed, sampling_seed: seed, net: 'n' };
    return [
      { ...cell, solver: 'Heun (18 steps)', alpha: 0, quant_bits: null, [FD]: base(D) + jitter[i] },
      { ...cell, solver: 'Heun (18 steps)', alpha: 0.2, quant_bits: null, [FD]: base(D) + 10 + extra + jitter[i] },
      { ...cell, solver: 'Heun (6 steps)', alpha: null, quant_bits: null, [FD]: base(D) + 30 + extra + jitter[i] },
      { ...cell, solver: 'Heun (18 steps)', alpha: null, quant_bits: 5, [FD]: base(D) + 50 + extra + jitter[i] },
    ];
  }));
}

describe('claim 3: D sweet spot', () => {
  const D4 = [64, 128, 2048, Infinity];
  it('compares D = 128 and 2048 with EDM and with the smallest D, on the unperturbed cells only', () => {
    // The perturbed cells (fewer steps: α null) would reverse the verdict if they were judged: EDM's are 100 worse.
    const r = dSweetSpotClaim(robustRows(D4, (d) => (d === 128 || d === 2048 ? 40 : 60), 100), FD);
    expect(r.comparisons.map((c) => c.what)).toEqual(['FD at D = ∞ (EDM) − FD at D = 128', 'FD at D = 64 − FD at D = 128', 'FD at D = ∞ (EDM) − FD at D = 2048', 'FD at D = 64 − FD at D = 2048']);
    expect(r.comparisons.map((c) => c.interval.estimate)).toEqual([20, 20, 20, 20].map((v) => expect.closeTo(v, 9)));
    expect(r.verdict).toBe('reproduced');
    expect(r.summary).toMatch(/FD D=64 60\.1 .*D=128 40\.1 .*D=2048 40\.1 .*D=∞ 60\.1 /);
    expect(dSweetSpotClaim(robustRows(D4, (d) => (d === Infinity ? 30 : 60), -100), FD).verdict).toBe('not reproduced');
  });
});

describe('claim 4: robustness', () => {
  it('one verdict per perturbation kind, combined', () => {
    const rows = (edmWorse: number) => robustRows([128, 2048, Infinity], () => 40, edmWorse);
    const r = robustnessClaim(rows(20), FD);
    expect(r.verdict).toBe('reproduced');
    expect(r.summary).toMatch(/noise reproduced.*steps reproduced.*quantization reproduced/);
    expect(r.comparisons).toHaveLength(6);
    expect(r.comparisons[0].interval.estimate).toBeCloseTo(20, 9);
    expect(robustnessClaim(rows(-20), FD).verdict).toBe('not reproduced');
  });
});

describe('cell predicates', () => {
  it('a comparison whose predicate matches two cells of one seed is refused, naming both', () => {
    const rows = robustRows([128], () => 40, 0);
    expect(() => values(rows, (r) => Number(r.D) === 128 && r.quant_bits === null, FD)).toThrow(
      /^claims: two cells of seed 1 match one comparison \(m, n, Heun \(18 steps\), α 0 and m, n, Heun \(18 steps\), α 0\.2\); the claim's cell predicate must pick one$/,
    );
  });
});

describe('claim 5: weaker architecture', () => {
  it('difference of differences over independent trainings', () => {
    const rows: Row[] = seeds.flatMap((seed, i) => [
      { method: 'PFGM', net: 'ddpm-small', seed, sampling_seed: seed, solver: 'RK45', [FD]: 45 + jitter[i] },
      { method: 'PFGM', net: 'ddpmpp-small', seed, sampling_seed: seed, solver: 'RK45', [FD]: 40 + jitter[(i + 1) % 3] },
      { method: 'VP-ODE', net: 'ddpm-small', seed, sampling_seed: seed, solver: 'RK45', [FD]: 90 + jitter[(i + 2) % 3] },
      { method: 'VP-ODE', net: 'ddpmpp-small', seed, sampling_seed: seed, solver: 'RK45', [FD]: 50 + jitter[i] },
    ]);
    const r = weakerArchitectureClaim(rows, FD);
    expect(r.comparisons[0].interval.estimate).toBeCloseTo(40 - 5, 9);
    expect(r.verdict).toBe('reproduced');
  });
});

describe('seed summary, sampling noise and the written report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'claims-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rows = [
    ...eulerRows((n) => 50 + 100 / n, (n) => 60 + 800 / n),
    ...[1001, 1002].map((s, k) => ({ method: 'PFGM', D: null, net: 'ddpmpp-small', seed: 1, sampling_seed: s, solver: 'Euler (5 steps)', alpha: null, quant_bits: null, nfe: 5, [FD]: 70 + (k === 0 ? 2 : -2) })),
  ];
  it('summarizes each cell over its seeds (noise draws excluded) and measures the sampling spread', () => {
    const s = seedSummary(rows, FD);
    expect(s).toHaveLength(10);
    const p5 = s.find((r) => r.method === 'PFGM' && r.solver === 'Euler (5 steps)') as Row;
    expect(p5.fd_fmnist_mean).toBeCloseTo(70 + (0 + 1.5 - 1.2) / 3, 9);
    expect(p5.seeds).toBe('1 2 3');
    const noise = samplingNoise(rows, FD);
    expect(noise).toHaveLength(1);
    expect(noise[0]).toMatchObject({ method: 'PFGM', draws: 3, seed: 1 });
    expect(noise[0].sd).toBeCloseTo(2, 9); // values 70, 72, 68
  });
  it('writes claims.md / claims.csv / summary.csv / loss curves with the verdict lines', async () => {
    // One model with a loss log that flattens: 0.5 + 10/step.
    const models = join(dir, 'models');
    mkdirSync(join(models, 'm-pfgm'), { recursive: true });
    writeFileSync(join(models, 'm-pfgm', 'train-log.csv'), ['step,loss,grad_norm,lr,seconds', ...Array.from({ length: 400 }, (_, i) => `${i + 1},${0.5 + 10 / (i + 1)},1,0.001,${i}`)].join('\n'));
    const withModel = rows.map((r) => (r.method === 'PFGM' ? { ...r, model: 'm-pfgm' } : r));
    const files = await writeClaims({ dir, cfg: {}, preset: 'claims', rows: withModel, log: () => undefined }, FD, [eulerRobustnessClaim(rows, FD)], models);
    expect(files).toEqual(['claims.md', 'claims.csv', 'summary.csv', 'loss-curves.svg', 'loss-curves.png']);
    const md = readFileSync(join(dir, 'claims.md'), 'utf8');
    expect(md).toMatch(/\*\*Verdict: reproduced: FD degradation from NFE 100 to NFE 5\/10\/20/);
    expect(md).toMatch(/sd over sampling seeds/);
    // last tenth (steps 361–400) vs the tenth before (321–360): about −10 %
    expect(md).toMatch(/\| PFGM ddpmpp-small s1 \| 400 \| 0\.526\d \| −?-?\d+\.\d %/);
    expect(readFileSync(join(dir, 'claims.csv'), 'utf8').split('\n')[0]).toBe('claim,comparison,estimate,lo95,hi95,df,seeds,verdict');
  });
});
