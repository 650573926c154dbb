import { euler } from './euler.js';
import { heun } from './heun.js';
import { rk4 } from './rk4.js';
import { rk45 } from './rk45.js';
import type { Solver, SolverSpec, TimeGrid } from './types.js';

/** The solver a {@link SolverSpec} names (switch on `kind`); fixed-step solvers check that the grid has `steps` intervals. */
export function solve(spec: SolverSpec): Solver {
  switch (spec.kind) {
    case 'euler':
      return async (f, x0, grid, opts) => (checkSteps(spec, grid), euler(f, x0, grid, opts));
    case 'heun':
      return async (f, x0, grid, opts) => (checkSteps(spec, grid), heun(f, x0, grid, { lastStepEuler: spec.lastStepEuler, ...opts }));
    case 'rk4':
      return async (f, x0, grid, opts) => (checkSteps(spec, grid), rk4(f, x0, grid, opts));
    case 'rk45': {
      const { rtol, atol, firstStep, maxStep, maxSteps } = spec;
      return async (f, x0, grid, opts) => rk45(f, x0, grid, { rtol, atol, firstStep, maxStep, maxSteps, ...opts });
    }
    default: {
      const never: never = spec;
      throw new TypeError(`solve: unknown solver kind ${JSON.stringify((never as { kind: unknown }).kind)}; ` +
        "expected 'euler', 'heun', 'rk4' or 'rk45'.");
    }
  }
}

function checkSteps(spec: { kind: string; steps: number }, grid: TimeGrid): void {
  if (grid.length !== spec.steps + 1) {
    throw new RangeError(`solve(${spec.kind}): the spec asks for ${spec.steps} steps but the grid has ${grid.length} ` +
      `times (${grid.length - 1} steps); build the grid with ${spec.steps} steps (${spec.steps + 1} times).`);
  }
}
