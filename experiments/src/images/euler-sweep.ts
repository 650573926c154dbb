import { imageExperiment, metricPlot, methodSeries, type ImageTableConfig } from './image-experiment.js';
import { FMNIST_BASE } from './fmnist-base.js';

const euler = (nfes: number[]) => nfes.map((nfe) => ({ solver: 'euler', nfe }));

/** euler-sweep: sample quality vs NFE with forward Euler for PFGM vs VP-ODE (PFGM Fig. 3c; grid uniform in log z, spec §2.4). */
export const eulerSweep = imageExperiment<ImageTableConfig>({
  name: 'euler-sweep',
  description: 'FD-FMNIST vs NFE ∈ {10, 20, 50, 100} with Euler, PFGM vs VP-ODE (the papers\' step-size figure, on Fashion-MNIST)',
  defaultPreset: 'ci',
  presets: {
    paper: { ...FMNIST_BASE.paper, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpmpp'], solvers: euler([10, 20, 50, 100]) },
    cpu: { ...FMNIST_BASE.cpu, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpmpp-small'], solvers: euler([10, 20, 50, 100]) },
    ci: { ...FMNIST_BASE.ci, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpmpp-small'], solvers: euler([2, 4]) },
  },
  report: (ctx) => metricPlot(ctx, 'fd-vs-nfe-euler', 'NFE (Euler)', (r) => Number(r.nfe), methodSeries, { logX: true, title: 'euler-sweep' }),
});
