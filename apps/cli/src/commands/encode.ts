import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { decode, encode } from '@pfgm/methods';
import { writeSafetensors } from '@pfgm/networks';
import { checkParentFolder, POSITIVE_INT, solverSpec } from '@pfgm/runs';
import { useBackend } from '../backend.js';
import { runData } from '../run-data.js';
import { openCheckpointOf, withCheckpointOptions } from '../checkpoint-options.js';
import { withSolverOptions } from '../options.js';
import { samplingMethod } from '../sampling-method.js';
import { int, oneOf } from '../parse.js';

/** `pfgm encode`: data → latents along the forward ODE (the model is invertible), with a decode round-trip check. */
export function registerEncode(program: Command): void {
  withSolverOptions(withCheckpointOptions(program.command('encode').description('map data to latents with the forward ODE; reports the decode round-trip error')))
    .requiredOption('--data <spec>', 'data to encode (same kind as the run was trained on)')
    .option('--split <name>', 'train | test', oneOf('--split', ['train', 'test'] as const), 'test')
    .option('--limit <n>', 'number of examples', int('--limit', POSITIVE_INT), 16)
    .option('--data-dir <dir>', 'folder with local copies of the data files')
    .requiredOption('--out <file>', 'latents as .safetensors (tensors "data" and "latents")')
    .action(async (o, cmd: Command) => {
      await useBackend(cmd);
      const run = await openCheckpointOf(o);
      try {
        const spec = solverSpec(o, run.config.method);
        if (!o.out.endsWith('.safetensors')) throw new Error(`--out ${o.out}: expected a .safetensors file (tensors "data" and "latents")`);
        checkParentFolder(o.out);
        const ds = await runData(run, o);
        const x = ds.tensor();
        const method = samplingMethod(run.method, o.time);
        const enc = await encode(method, run.predictor, x, spec);
        const dec = await decode(method, run.predictor, enc.x, spec);
        const err = tf.tidy(() => tf.max(tf.abs(tf.sub(dec.x, x))).dataSync()[0]);
        await writeSafetensors(o.out, [{ name: 'data', tensor: x }, { name: 'latents', tensor: enc.x }], { ckpt: o.ckpt, solver: JSON.stringify(spec) });
        console.log(`${ds.length} examples → latents (NFE ${enc.nfe}); decode back: NFE ${dec.nfe}, max |x − decode(encode(x))| = ${err.toExponential(3)} → ${o.out}`);
        tf.dispose([x, enc.x, dec.x]);
      } finally {
        run.dispose();
      }
    });
}
