import { RELEASED_MODELS } from '@pfgm/runs';
import { CIFAR_BASE } from './cifar-base.js';
import { imageExperiment, metricPlot, type ImageTableConfig } from './image-experiment.js';
import { releasedPaperPreset, releasedReport, withReleasedPreset } from './released-table.js';
import { methodsOverD } from '../harness/method-spec.js';
import type { ReportContext } from '../harness/experiment.js';
import type { ImageSweepConfig } from './image-sweep.js';

const D = methodsOverD;

/** FID against D, one series (PFGM++ with Heun). */
const fdVsD = (ctx: ReportContext<ImageSweepConfig>) => metricPlot(ctx, 'fd-vs-d', 'D', (r) => Number(r.D), () => 'PFGM++ (Heun)', { logX: true, title: 'd-sweep' });

/**
 * The D table's rows from the released files: PFGM++ on unconditional CIFAR-10 with D = 128, 2048 and ∞ (EDM). The
 * FFHQ-64 models need FFHQ reference statistics, which the CIFAR-10 harness does not have; the class-conditional one
 * is not a row of the D table.
 */
export const D_TABLE_RELEASED = RELEASED_MODELS.filter((m) => m.id.startsWith('pfgmpp-cifar10-') && !m.conditional).map((m) => m.id);

/** d-sweep: PFGM++ sample quality over D (PFGM++ Table 2 / Fig. 4), Heun at NFE 35; `--preset released`: the released D models. */
export const dSweep = withReleasedPreset(
  imageExperiment<ImageTableConfig>({
    name: 'd-sweep',
    description: 'PFGM++ over D ∈ {1, 64, 128, 2048, 3072000, ∞} (Heun, NFE 35): FID vs D',
    defaultPreset: 'ci',
    presets: {
      paper: { ...CIFAR_BASE.paper, methods: D([1, 64, 128, 2048, 3_072_000, Infinity]), nets: 'official', solvers: [{ solver: 'heun', nfe: 35 }] },
      cpu: { ...CIFAR_BASE.cpu, methods: D([1, 64, 128, 2048, 3_072_000, Infinity]), nets: ['ddpmpp-small'], solvers: [{ solver: 'heun', nfe: 35 }] },
      ci: { ...CIFAR_BASE.ci, methods: D([64, 2048, Infinity]), nets: ['ddpmpp-small'], solvers: [{ solver: 'heun', nfe: 3 }] },
    },
    report: fdVsD,
  }),
  releasedPaperPreset(D_TABLE_RELEASED),
  async (ctx) => [...(await releasedReport(ctx)), ...(await fdVsD(ctx))],
);
