import { CIFAR_BASE } from './cifar-base.js';
import { FMNIST_BASE } from './fmnist-base.js';
import { imageExperiment, metricPlot, type ImageTableConfig } from './image-experiment.js';
import { metricColumns } from './image-metric.js';
import { weakerArchitectureClaim } from '../claims/arch-claims.js';
import { writeClaims } from '../claims/write-claims.js';

/** arch-sweep: weaker (DDPM) vs stronger (DDPM++) backbone for PFGM and VP-ODE (PFGM §5, "weaker architecture"). */
export const archSweep = imageExperiment<ImageTableConfig>({
  name: 'arch-sweep',
  description: 'Backbone strength: ddpm vs ddpmpp for PFGM and VP-ODE (RK45)',
  defaultPreset: 'ci',
  presets: {
    paper: { ...CIFAR_BASE.paper, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpm', 'ddpmpp'], solvers: [{ solver: 'rk45' }] },
    cpu: { ...CIFAR_BASE.cpu, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpm-small', 'ddpmpp-small'], solvers: [{ solver: 'rk45' }] },
    ci: { ...CIFAR_BASE.ci, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpm-small', 'ddpmpp-small'], solvers: [{ solver: 'euler', nfe: 2 }] },
    // Claim 5 of issue 14 on Fashion-MNIST, three seeds; the ddpmpp-small models are euler-sweep's (same training config);
    // no sampling-noise draws here (each would be an RK45 run): euler-sweep and robustness measure it at the same sample count.
    claims: { ...FMNIST_BASE.claims, methods: [{ name: 'pfgm' }, { name: 'vp' }], nets: ['ddpm-small', 'ddpmpp-small'], solvers: [{ solver: 'rk45' }], noiseDraws: 0 },
  },
  report: async (ctx) => {
    const files = await metricPlot(ctx, 'fd-by-net', 'backbone (0 = ddpm, 1 = ddpm++)', (r) => (String(r.net).startsWith('ddpmpp') ? 1 : 0), (r) => `${r.method} (${r.solver})`, { title: 'arch-sweep' });
    if (ctx.preset !== 'claims') return files;
    const fd = metricColumns(ctx.cfg.metric).fd;
    return [...files, ...(await writeClaims(ctx, fd, [weakerArchitectureClaim(ctx.rows, fd)]))];
  },
});
