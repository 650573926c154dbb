import type { Command } from 'commander';
import { POSITIVE, POSITIVE_INT } from '@pfgm/runs';
import { int, num, oneOf } from './parse.js';
import { PFGM_TIMES } from './sampling-method.js';

/** Adds the ODE solver options shared by sample, encode and interpolate (resolved by `@pfgm/runs` solverSpec). */
export function withSolverOptions(cmd: Command): Command {
  return cmd
    .option('--solver <name>', 'euler | heun | rk4 | rk45', 'rk45')
    .option('--steps <n>', 'grid intervals for fixed-step solvers', int('--steps', POSITIVE_INT))
    .option('--nfe <n>', 'target NFE for fixed-step solvers (instead of --steps)', int('--nfe', POSITIVE_INT))
    .option('--rtol <x>', 'rk45 relative tolerance (default: paper value per method: PFGM 1e-4, VP/EDM 1e-5)', num('--rtol', POSITIVE))
    .option('--atol <x>', 'rk45 absolute tolerance', num('--atol', POSITIVE))
    .option('--time <variable>', "PFGM's ODE variable: official (RK45 in ln z, Euler/Heun in z; default of runs trained now), log-z or z (every solver)", oneOf('--time', PFGM_TIMES));
}
