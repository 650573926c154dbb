#!/usr/bin/env node
// The `pfgm` command: train | sample | encode | interpolate | bpd | fid | stats | doctor.
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command('pfgm')
  .description('Poisson Flow Generative Models (PFGM, PFGM++) and diffusion baselines on TensorFlow.js')
  .option('--backend <name>', 'tfjs backend: auto | tensorflow | wasm | cpu (env PFGM_BACKEND)')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(`error: ${s.replace(/^error: /, '')}`) });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
