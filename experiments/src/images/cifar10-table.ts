import { CIFAR_BASE } from './cifar-base.js';
import { imageExperiment, netsFor, type ImageTableConfig } from './image-experiment.js';
import type { ImageCell } from './image-sweep.js';
import { methodId, type MethodSpec } from '../harness/method-spec.js';
import { RELEASED_MODELS, type SolverChoice } from '@pfgm/runs';
import { releasedPaperPreset, withReleasedPreset } from './released-table.js';

/** PFGM Table 1 / PFGM++ Table 2 rows: VP-ODE and PFGM with RK45; PFGM++ D ∈ {128, 2048} and EDM with Heun at NFE 35. */
const ROWS: [MethodSpec, SolverChoice][] = [
  [{ name: 'vp' }, { solver: 'rk45' }],
  [{ name: 'pfgm' }, { solver: 'rk45' }],
  [{ name: 'pfgmpp', D: 128 }, { solver: 'heun', nfe: 35 }],
  [{ name: 'pfgmpp', D: 2048 }, { solver: 'heun', nfe: 35 }],
  [{ name: 'edm' }, { solver: 'heun', nfe: 35 }],
];

/** Each row with each of its networks (`nets: 'official'`: its paper's, {@link officialNet}). */
function tableCells(cfg: ImageTableConfig): ImageCell[] {
  const rows = ROWS.filter(([m]) => cfg.methods.some((c) => methodId(c) === methodId(m)));
  return rows.flatMap(([method, s]) => netsFor(cfg, method).map((net) => {
    const solver = cfg.solvers.length > 0 ? cfg.solvers[0] : s; // a given solver replaces the papers' for every row
    return { id: `${methodId(method)}-${net}-${cellSolverId(solver)}`, method, net, solver };
  }));
}

const cellSolverId = (s: SolverChoice) => `${s.solver}${s.nfe ? `-${s.nfe}` : ''}`;


const methods = ROWS.map(([m]) => m);

/** PFGM Table 1's rows from the released files: every unconditional CIFAR-10 model (PFGM, VP-ODE, PFGM++ D, EDM). */
export const TABLE1_RELEASED = RELEASED_MODELS.filter((m) => m.dataset === 'cifar10' && !m.conditional).map((m) => m.id);

/**
 * cifar10-table: FID, IS, NFE per method, bits/dim in the RK45 rows (VP-ODE, PFGM; the invertible ODE's likelihood).
 * `--preset released` evaluates the papers' released checkpoints instead of training (released-table.ts).
 */
export const cifar10Table = withReleasedPreset(
  imageExperiment<ImageTableConfig>({
    name: 'cifar10-table',
    description: 'PFGM Table 1 style on CIFAR-10: VP-ODE (RK45), PFGM (RK45), PFGM++ D ∈ {128, 2048} and EDM with Heun at NFE 35; FID, IS, NFE, bits/dim',
    defaultPreset: 'ci',
    presets: {
      paper: { ...CIFAR_BASE.paper, methods, nets: 'official', solvers: [] },
      cpu: { ...CIFAR_BASE.cpu, methods, nets: ['ddpmpp-small'], solvers: [] },
      ci: { ...CIFAR_BASE.ci, methods, nets: ['ddpmpp-small'], solvers: [] },
    },
    cells: tableCells,
  }),
  releasedPaperPreset(TABLE1_RELEASED),
);
