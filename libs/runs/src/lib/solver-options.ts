import { officialRk45Tol, type MethodConfig } from '@pfgm/methods';
import type { SolverSpec } from '@pfgm/ode';
import { checkDomain, POSITIVE, POSITIVE_INT } from './domains.js';

/** The CLI's solver choice. */
export interface SolverChoice {
  /** euler | heun | rk4 | rk45. */
  solver: string;
  /** Grid intervals for fixed-step solvers. */
  steps?: number;
  /** Target NFE for fixed-step solvers (euler: steps = NFE; heun: NFE = 2·steps − 1; rk4: NFE = 4·steps). */
  nfe?: number;
  /** RK45 tolerances; default the papers' (PFGM 1e-4, VP 1e-5, PFGM++/EDM 1e-5). */
  rtol?: number;
  atol?: number;
}

/** Resolves the CLI's solver options to a SolverSpec, with the papers' defaults (EDM: Heun, 18 steps, NFE 35). */
export function solverSpec(c: SolverChoice, method: MethodConfig): SolverSpec {
  const tol = officialRk45Tol(method.kind);
  const stepsFor = (perStep: (n: number) => number): number => {
    if (c.steps !== undefined) return positiveInt(c.steps, '--steps');
    if (c.nfe !== undefined) {
      const nfe = positiveInt(c.nfe, '--nfe');
      for (let n = 1; n <= nfe; n++) if (perStep(n) >= nfe) return n;
    }
    return method.kind === 'pfgmpp' ? 18 : 100;
  };
  switch (c.solver) {
    case 'euler':
      return { kind: 'euler', steps: stepsFor((n) => n) };
    case 'heun':
      return { kind: 'heun', steps: stepsFor((n) => 2 * n - 1) };
    case 'rk4':
      return { kind: 'rk4', steps: stepsFor((n) => 4 * n) };
    case 'rk45':
      return { kind: 'rk45', rtol: c.rtol === undefined ? tol : checkDomain('--rtol', c.rtol, POSITIVE), atol: c.atol === undefined ? tol : checkDomain('--atol', c.atol, POSITIVE) };
    default:
      throw new Error(`--solver ${c.solver}: expected euler, heun, rk4 or rk45`);
  }
}

function positiveInt(v: number, name: string): number {
  return checkDomain(name, v, POSITIVE_INT);
}
