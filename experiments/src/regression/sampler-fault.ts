import * as tf from '@tensorflow/tfjs-core';
import type { Method } from '@pfgm/methods';
import type { SolverSpec } from '@pfgm/ode';

/** A deliberate sampler bug, injected to show that the regression check catches it (never set outside specs). */
export type SamplerFault =
  /** The sampler as shipped. */
  | { kind: 'none' }
  /** An off-by-half step count: a fixed-step solver runs ⌈steps/2⌉ steps (about half the NFE). */
  | { kind: 'half-steps' }
  /** A wrong constant in the ODE: the velocity dx/dt is multiplied by `factor` (−1: the wrong sign). */
  | { kind: 'velocity-scale'; factor: number };

/** The solver spec with the fault's step bug applied (other faults leave it as is). */
export function faultySolver(solver: SolverSpec, fault: SamplerFault): SolverSpec {
  switch (fault.kind) {
    case 'none':
    case 'velocity-scale':
      return solver;
    case 'half-steps':
      return solver.kind === 'rk45' ? solver : { ...solver, steps: Math.ceil(solver.steps / 2) };
  }
}

/** The method with the fault's velocity bug applied (other faults return it unchanged). */
export function faultyMethod(method: Method, fault: SamplerFault): Method {
  switch (fault.kind) {
    case 'none':
    case 'half-steps':
      return method;
    case 'velocity-scale': {
      const { factor } = fault;
      return {
        ...method,
        velocity: (p, solver) => {
          const v = method.velocity(p, solver);
          return (x, t) => tf.tidy(() => tf.mul(v(x, t), factor));
        },
      };
    }
  }
}
