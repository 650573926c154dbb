import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { sample } from '@pfgm/methods';
import { checkSamplesOut, lockRunFolderOf, NON_NEGATIVE_INT, openRun, POSITIVE_INT, solverSpec, writeSamples } from '@pfgm/runs';
import type { RunLock } from '@pfgm/report';
import { Rng } from '@pfgm/tensor';
import { useBackend } from '../backend.js';
import { withSolverOptions } from '../options.js';
import { samplingMethod } from '../sampling-method.js';
import { int } from '../parse.js';


/** `pfgm sample`: prior → backward ODE (any solver) → samples, written as a PNG grid / scatter and CSV for points. */
export function registerSample(program: Command): void {
  withSolverOptions(program.command('sample').description('draw samples from a trained run with an ODE solver'))
    .requiredOption('--ckpt <path>', 'run folder written by pfgm train (or its checkpoint.safetensors)')
    .option('--n <n>', 'number of samples', int('--n', POSITIVE_INT), 64)
    .option('--seed <n>', 'sample k uses stream (seed, k): the same whatever --n', int('--seed', NON_NEGATIVE_INT), 0)
    .option('--no-ema', 'use the raw weights instead of the EMA')
    .requiredOption('--out <file>', 'output: .png (grid or scatter), .csv (points) or .npz (all samples in [-1, 1], e.g. for pfgm fid --gen)')
    .action(async (o, cmd: Command) => {
      await useBackend(cmd);
      const run = await openRun(o.ckpt, { ema: o.ema });
      let lock: RunLock | undefined;
      try {
        const spec = solverSpec(o, run.config.method);
        checkSamplesOut(o.out, run.shape);
        lock = await lockRunFolderOf(o.out, 'pfgm sample');
        const t0 = Date.now();
        const res = await sample(samplingMethod(run.method, o.time), run.predictor, spec, o.n, run.shape, new Rng(o.seed));
        const files = await writeSamples(o.out, res.x);
        res.x.dispose();
        console.log(`${o.n} samples, ${spec.kind}, NFE ${res.nfe}, ${((Date.now() - t0) / 1000).toFixed(1)} s → ${files.join(', ')}`);
      } finally {
        lock?.release();
        run.dispose();
        tf.disposeVariables();
      }
    });
}
