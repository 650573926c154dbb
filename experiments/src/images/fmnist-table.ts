import { imageExperiment, metricPlot, methodSeries, type ImageTableConfig } from './image-experiment.js';
import { FMNIST_BASE } from './fmnist-base.js';

const ALL = [{ name: 'pfgm' }, { name: 'pfgmpp', D: 128 }, { name: 'pfgmpp', D: 2048 }, { name: 'edm' }, { name: 'vp' }] as const;

/** fmnist-table: the CIFAR-10 table's comparison on Fashion-MNIST, scored by FD-FMNIST (not FID). */
export const fmnistTable = imageExperiment<ImageTableConfig>({
  name: 'fmnist-table',
  description: 'PFGM, PFGM++ (D ∈ {128, 2048}), EDM, VP-ODE on Fashion-MNIST with RK45 / Heun (NFE 35) / Euler: FD-FMNIST, NFE, time',
  defaultPreset: 'ci',
  presets: {
    paper: { ...FMNIST_BASE.paper, methods: [...ALL], nets: ['ddpmpp'], solvers: [{ solver: 'rk45' }, { solver: 'heun', nfe: 35 }] },
    cpu: { ...FMNIST_BASE.cpu, methods: [...ALL], nets: ['ddpmpp-small'], solvers: [{ solver: 'rk45' }, { solver: 'heun', nfe: 35 }, { solver: 'euler', nfe: 20 }] },
    ci: { ...FMNIST_BASE.ci, methods: [{ name: 'pfgm' }, { name: 'pfgmpp', D: 128 }, { name: 'edm' }, { name: 'vp' }], nets: ['ddpmpp-small'], solvers: [{ solver: 'euler', nfe: 3 }] },
  },
  report: (ctx) => metricPlot(ctx, 'fd-vs-nfe', 'NFE', (r) => Number(r.nfe), methodSeries, { logX: true, title: 'fmnist-table' }),
});
