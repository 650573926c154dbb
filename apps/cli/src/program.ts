import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

/** The `pfgm` program: train | sample | encode | interpolate | bpd | fid | stats | doctor. */
export function buildProgram(): Command {
  const program = new Command('pfgm')
    .description('Poisson Flow Generative Models (PFGM, PFGM++) and diffusion baselines on TensorFlow.js')
    .option('--backend <name>', 'tfjs backend: auto | tensorflow | wasm | cpu (env PFGM_BACKEND)')
    .configureOutput({ outputError: (s, write) => write(`error: ${s.replace(/^error: /, '').trim()} (see pfgm --help)\n`) });
  registerCommands(program);
  return program;
}
