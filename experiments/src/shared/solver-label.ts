import type { SolverSpec } from '@pfgm/ode';

/** Short solver name for tables: "RK45", "Euler (20 steps)", "Heun (18 steps)". */
export function solverLabel(s: SolverSpec): string {
  switch (s.kind) {
    case 'rk45':
      return 'RK45';
    case 'euler':
      return `Euler (${s.steps} steps)`;
    case 'heun':
      return `Heun (${s.steps} steps)`;
    case 'rk4':
      return `RK4 (${s.steps} steps)`;
  }
}
