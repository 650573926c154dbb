import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { decode, interpolateLatents } from '@pfgm/methods';
import { checkSamplesNotThere, checkSamplesOut, lockRunFolderOf, NON_NEGATIVE_INT, POSITIVE_INT, solverSpec, writeSamples } from '@pfgm/runs';
import type { RunLock } from '@pfgm/report';
import { Rng } from '@pfgm/tensor';
import { useBackend } from '../backend.js';
import { openCheckpointOf, withCheckpointOptions } from '../checkpoint-options.js';
import { withSolverOptions } from '../options.js';
import { samplingMethod } from '../sampling-method.js';
import { int } from '../parse.js';
import { stopOnSignals } from './sample.js';


/** `pfgm interpolate`: decode a spherical interpolation between two prior latents (PFGM Fig. 10). */
export function registerInterpolate(program: Command): void {
  withSolverOptions(withCheckpointOptions(program.command('interpolate').description('decode latents interpolated between two prior samples (PFGM Fig. 10)')))
    .option('--n <n>', 'points along the path, end points included', int('--n', { kind: 'int', min: 2 }), 8)
    .option('--pairs <n>', 'number of independent paths (rows)', int('--pairs', POSITIVE_INT), 1)
    .option('--seed <n>', 'seed of the end points', int('--seed', NON_NEGATIVE_INT), 0)
    .requiredOption('--out <file>', '.png grid (images) or scatter (points), or .csv')
    .option('--overwrite', 'replace --out (and the .csv next to a point plot) when it exists', false)
    .action(async (o, cmd: Command) => {
      checkSamplesNotThere(o.out, o.overwrite);
      await useBackend(cmd);
      const run = await openCheckpointOf(o);
      let lock: RunLock | undefined;
      let signals: ReturnType<typeof stopOnSignals> | undefined;
      try {
        const solver = solverSpec(o, run.config.method);
        checkSamplesOut(o.out, run.shape);
        checkSamplesNotThere(o.out, o.overwrite, run.shape);
        lock = await lockRunFolderOf(o.out, 'pfgm interpolate');
        signals = stopOnSignals(o.out);
        const ends = run.method.prior(2 * o.pairs, run.shape, new Rng(o.seed));
        const rows = Array.from({ length: o.pairs }, (_, i) =>
          tf.tidy(() => interpolateLatents(tf.slice(ends, [2 * i], [1]), tf.slice(ends, [2 * i + 1], [1]), o.n)));
        const z = tf.concat(rows);
        const res = await decode(samplingMethod(run.method, o.time), run.predictor, z, solver);
        await signals.writing();
        const files = await writeSamples(o.out, res.x);
        console.log(`${o.pairs} path(s) of ${o.n} points, NFE ${res.nfe} → ${files.join(', ')}`);
        tf.dispose([ends, ...rows, z, res.x]);
        await signals.written();
      } finally {
        signals?.dispose();
        lock?.release();
        run.dispose();
      }
    });
}
