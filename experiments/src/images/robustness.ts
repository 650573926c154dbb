import { CIFAR_BASE } from './cifar-base.js';
import { FMNIST_BASE } from './fmnist-base.js';
import { metricColumns } from './image-metric.js';
import { dSweetSpotClaim } from '../claims/d-claims.js';
import { robustnessClaim } from '../claims/robustness-claims.js';
import { writeClaims } from '../claims/write-claims.js';
import { imageExperiment, metricPlot, netsFor, type ImageTableConfig } from './image-experiment.js';
import type { ImageCell } from './image-sweep.js';
import { noisyHeunSample } from './noisy-heun.js';
import { officialQuantGroups, quantizeWeights } from './quantize-weights.js';
import { methodId, methodsOverD, type MethodSpec } from '../harness/method-spec.js';

/** robustness: PFGM++ over D under injected noise α, fewer Heun steps, and weight quantization (pfgm-spec §4.8). */
export interface RobustnessConfig extends ImageTableConfig {
  alphas: number[];
  /** Heun step counts n (NFE 2n − 1). */
  heunSteps: number[];
  /** Quantization bit widths (Heun at the default steps). */
  bits: number[];
  /** Heun steps of the α and quantization cells (paper 18 → NFE 35). */
  baseSteps: number;
}

function robustCells(cfg: RobustnessConfig): ImageCell[] {
  return cfg.methods.flatMap((method: MethodSpec) => {
    const net = netsFor(cfg, method)[0];
    const id = `${methodId(method)}-${net}`;
    const heun = { solver: 'heun', steps: cfg.baseSteps };
    return [
      ...cfg.alphas.map((alpha) => ({ id: `${id}-alpha-${alpha}`, method, net, solver: heun, alpha })),
      ...cfg.heunSteps.map((steps) => ({ id: `${id}-heun-${steps}`, method, net, solver: { solver: 'heun', steps } })),
      ...cfg.bits.map((quantBits) => ({ id: `${id}-quant-${quantBits}`, method, net, solver: heun, quantBits })),
    ];
  });
}

const D = methodsOverD;

export const robustness = imageExperiment<RobustnessConfig>({
  name: 'robustness',
  description: 'PFGM++ over D with injected noise α ∈ {0, 0.1, 0.2}, fewer Heun steps, and 5–9-bit weight quantization',
  defaultPreset: 'ci',
  presets: {
    paper: { ...CIFAR_BASE.paper, methods: D([64, 128, 2048, 3_072_000, Infinity]), nets: 'official', solvers: [], alphas: [0, 0.1, 0.2], heunSteps: [10, 12, 14, 16, 18, 20, 22, 24], bits: [5, 6, 7, 8, 9], baseSteps: 18 },
    cpu: { ...CIFAR_BASE.cpu, methods: D([64, 128, 2048, Infinity]), nets: ['ddpmpp-small'], solvers: [], alphas: [0, 0.1, 0.2], heunSteps: [10, 14, 18], bits: [5, 7, 9], baseSteps: 18 },
    ci: { ...CIFAR_BASE.ci, methods: D([128, Infinity]), nets: ['ddpmpp-small'], solvers: [], alphas: [0, 0.2], heunSteps: [2], bits: [5], baseSteps: 2 },
    // Claim 4 of issue 14 on Fashion-MNIST, three seeds; the α = 0 cells are the unperturbed Heun NFE 35 baseline.
    claims: { ...FMNIST_BASE.claims, methods: D([64, 128, 2048, Infinity]), nets: ['ddpmpp-small'], solvers: [], alphas: [0, 0.1, 0.2], heunSteps: [6, 10], bits: [5, 7, 9], baseSteps: 18, noiseDraws: 2 },
  },
  cells: robustCells,
  hooks: (cell) => ({
    ...(cell.alpha !== undefined && cell.alpha > 0 ? { sampler: (m, p, s, n, shape, rng) => noisyHeunSample(m, p, s, n, shape, rng, cell.alpha ?? 0) } : {}),
    ...(cell.quantBits !== undefined ? { transformWeights: (net) => quantizeWeights(net.weights, officialQuantGroups(net), cell.quantBits ?? 32) } : {}),
  }),
  report: async (ctx) => [
    ...(await metricPlot({ ...ctx, rows: ctx.rows.filter((r) => r.alpha !== null) }, 'fd-vs-alpha', 'α (injected noise)', (r) => Number(r.alpha), (r) => String(r.method), { title: 'robustness: noise injection' })),
    ...(await metricPlot({ ...ctx, rows: ctx.rows.filter((r) => r.alpha === null && r.quant_bits === null) }, 'fd-vs-nfe-heun', 'NFE (Heun)', (r) => Number(r.nfe), (r) => String(r.method), { title: 'robustness: fewer steps' })),
    ...(await metricPlot({ ...ctx, rows: ctx.rows.filter((r) => r.quant_bits !== null) }, 'fd-vs-bits', 'weight bits', (r) => Number(r.quant_bits), (r) => String(r.method), { title: 'robustness: quantization' })),
    ...(ctx.preset === 'claims' ? await metricPlot({ ...ctx, rows: ctx.rows.filter((r) => Number(r.alpha) === 0 && r.alpha !== null) }, 'fd-vs-d', 'D', (r) => Number(r.D), () => `PFGM++ (Heun, NFE ${2 * ctx.cfg.baseSteps - 1})`, { logX: true, title: 'claim 3: FD vs D' }) : []),
    // Claims 4 and 3 (the α = 0 cells are the unperturbed Heun NFE 35 samples d-sweep's claim is judged on).
    ...(ctx.preset === 'claims' ? await writeClaims(ctx, metricColumns(ctx.cfg.metric).fd, [robustnessClaim(ctx.rows, metricColumns(ctx.cfg.metric).fd), dSweetSpotClaim(ctx.rows, metricColumns(ctx.cfg.metric).fd)]) : []),
  ],
});

