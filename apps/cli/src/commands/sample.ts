import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { sample } from '@pfgm/methods';
import { checkSamplesNotThere, checkSamplesOut, lockRunFolderOf, NON_NEGATIVE_INT, POSITIVE_INT, solverSpec, writeSamples } from '@pfgm/runs';
import type { RunLock } from '@pfgm/report';
import { Rng } from '@pfgm/tensor';
import { useBackend } from '../backend.js';
import { openCheckpointOf, withCheckpointOptions } from '../checkpoint-options.js';
import { withSolverOptions } from '../options.js';
import { samplingMethod } from '../sampling-method.js';
import { int } from '../parse.js';

/** Exit status after a signal (128 + its number, as a shell reports it). */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Ctrl-C (SIGINT) and SIGTERM while `pfgm sample` / `pfgm interpolate` work: the output is written atomically (temp
 * file + rename) only at the end, so a signal before that stops at once with nothing written, a signal while
 * writing waits for the write to complete, and one after it just stops; the exit status is 130 / 143 either way.
 * Call `await writing()` before writing, `await written()` after, and `dispose()` when the command ends (it may run
 * in-process). Both yield to the event loop first: the cpu/wasm solvers never do while they step, so a signal that
 * came during the solve is handled there (before anything is written), not lost after the handlers are gone.
 */
export function stopOnSignals(out: string): { writing: () => Promise<void>; written: () => Promise<void>; dispose: () => void } {
  let phase: 'work' | 'writing' | 'written' = 'work';
  let pending: keyof typeof SIGNAL_EXIT | undefined;
  const stop = (s: keyof typeof SIGNAL_EXIT, what: string) => {
    console.error(`${s === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: stopped; ${what}`);
    process.exit(SIGNAL_EXIT[s]);
  };
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((s) => {
    const h = () => {
      if (phase === 'work') stop(s, `nothing was written to ${out}`);
      else if (phase === 'written') stop(s, `${out} was written completely`);
      else pending ??= s;
    };
    process.on(s, h);
    return [s, h] as const;
  });
  // Two turns of the event loop: the second always passes its poll phase, where a pending signal is handled.
  const turn = async () => {
    for (let k = 0; k < 2; k++) await new Promise<void>((r) => setImmediate(r));
  };
  return {
    writing: async () => {
      await turn();
      phase = 'writing';
    },
    written: async () => {
      phase = 'written';
      if (pending) stop(pending, `${out} was written completely`);
      await turn();
    },
    dispose: () => handlers.forEach(([s, h]) => process.off(s, h)),
  };
}

/** `pfgm sample`: prior → backward ODE (any solver) → samples, written as a PNG grid / scatter and CSV for points. */
export function registerSample(program: Command): void {
  withSolverOptions(withCheckpointOptions(program.command('sample').description('draw samples from a trained run or a released checkpoint with an ODE solver')))
    .option('--n <n>', 'number of samples', int('--n', POSITIVE_INT), 64)
    .option('--seed <n>', 'sample k uses stream (seed, k): the same whatever --n', int('--seed', NON_NEGATIVE_INT), 0)
    .option('--no-ema', 'use the raw weights instead of the EMA')
    .requiredOption('--out <file>', 'output: .png (grid or scatter), .csv (points) or .npz (all samples in [-1, 1], e.g. for pfgm fid --gen)')
    .option('--overwrite', 'replace --out (and the .csv next to a point plot) when it exists', false)
    .action(async (o, cmd: Command) => {
      checkSamplesNotThere(o.out, o.overwrite);
      await useBackend(cmd);
      const run = await openCheckpointOf(o, o.ema);
      let lock: RunLock | undefined;
      let signals: ReturnType<typeof stopOnSignals> | undefined;
      try {
        const spec = solverSpec(o, run.config.method);
        checkSamplesOut(o.out, run.shape);
        checkSamplesNotThere(o.out, o.overwrite, run.shape);
        lock = await lockRunFolderOf(o.out, 'pfgm sample');
        signals = stopOnSignals(o.out);
        console.error(`sampling ${o.n} with ${spec.kind} → ${o.out}`);
        const t0 = Date.now();
        const res = await sample(samplingMethod(run.method, o.time), run.predictor, spec, o.n, run.shape, new Rng(o.seed));
        await signals.writing();
        const files = await writeSamples(o.out, res.x);
        res.x.dispose();
        console.log(`${o.n} samples, ${spec.kind}, NFE ${res.nfe}, ${((Date.now() - t0) / 1000).toFixed(1)} s → ${files.join(', ')}`);
        await signals.written();
      } finally {
        signals?.dispose();
        lock?.release();
        run.dispose();
        tf.disposeVariables();
      }
    });
}
