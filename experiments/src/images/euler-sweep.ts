import { imageExperiment, metricPlot, methodSeries, type ImageTableConfig } from './image-experiment.js';
import { FMNIST_BASE } from './fmnist-base.js';
import { metricColumns } from './image-metric.js';
import { eulerRobustnessClaim, rk45NfeClaim } from '../claims/euler-claims.js';
import { writeClaims } from '../claims/write-claims.js';

const euler = (nfes: number[]) => nfes.map((nfe) => ({ solver: 'euler', nfe }));

/**
 * euler-sweep: sample quality vs NFE with forward Euler for PFGM vs VP-ODE (PFGM Fig. 3c). PFGM steps in z on a grid
 * uniform in ln z (Poisson_flow `sampling.py::ForwardEulerPredictor`, spec §2.4); VP in t on score_sde's uniform grid.
 * NFE 5 and 200 bracket the papers' 10–100 so the curve shows where each method breaks.
 */
export const eulerSweep = imageExperiment<ImageTableConfig>({
  name: 'euler-sweep',
  description: 'FD-FMNIST vs NFE ∈ {5, 10, 20, 50, 100, 200} with Euler, PFGM vs VP-ODE (the papers\' step-size figure, on Fashion-MNIST)',
  defaultPreset: 'ci',
  presets: {
    paper: { ...FMNIST_BASE.paper, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpmpp'], solvers: euler([5, 10, 20, 50, 100, 200]) },
    cpu: { ...FMNIST_BASE.cpu, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpmpp-small'], solvers: euler([5, 10, 20, 50, 100, 200]) },
    ci: { ...FMNIST_BASE.ci, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpmpp-small'], solvers: euler([2, 4]) },
    // Claims 1 and 2 of issue 14: Euler robustness and RK45's NFE, PFGM vs VP-ODE, three seeds.
    claims: { ...FMNIST_BASE.claims, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpmpp-small'], solvers: [...euler([5, 10, 20, 50, 100]), { solver: 'rk45' }] },
  },
  report: async (ctx) => {
    const euler = { ...ctx, rows: ctx.rows.filter((r) => String(r.solver).startsWith('Euler')) };
    const files = await metricPlot(euler, 'fd-vs-nfe-euler', 'NFE (Euler)', (r) => Number(r.nfe), methodSeries, { logX: true, title: 'euler-sweep' });
    if (ctx.preset !== 'claims') return files;
    const fd = metricColumns(ctx.cfg.metric).fd;
    return [...files, ...(await writeClaims(ctx, fd, [eulerRobustnessClaim(ctx.rows, fd), rk45NfeClaim(ctx.rows, fd)]))];
  },
});
