import { CIFAR_BASE } from './cifar-base.js';
import { imageExperiment, metricPlot, type ImageTableConfig } from './image-experiment.js';
import { methodsOverD } from '../harness/method-spec.js';

const D = methodsOverD;

/** d-sweep: PFGM++ sample quality over D (PFGM++ Table 2 / Fig. 4), Heun at NFE 35. */
export const dSweep = imageExperiment<ImageTableConfig>({
  name: 'd-sweep',
  description: 'PFGM++ over D ∈ {1, 64, 128, 2048, 3072000, ∞} (Heun, NFE 35): FID vs D',
  defaultPreset: 'ci',
  presets: {
    paper: { ...CIFAR_BASE.paper, methods: D([1, 64, 128, 2048, 3_072_000, Infinity]), nets: 'official', solvers: [{ solver: 'heun', nfe: 35 }] },
    cpu: { ...CIFAR_BASE.cpu, methods: D([1, 64, 128, 2048, 3_072_000, Infinity]), nets: ['ddpmpp-small'], solvers: [{ solver: 'heun', nfe: 35 }] },
    ci: { ...CIFAR_BASE.ci, methods: D([64, 2048, Infinity]), nets: ['ddpmpp-small'], solvers: [{ solver: 'heun', nfe: 3 }] },
  },
  report: (ctx) => metricPlot(ctx, 'fd-vs-d', 'D', (r) => Number(r.D), () => 'PFGM++ (Heun)', { logX: true, title: 'd-sweep' }),
});
