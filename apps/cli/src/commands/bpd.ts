import type { Command } from 'commander';
import { dequantized } from '@pfgm/data';
import { logLikelihood } from '@pfgm/methods';
import { NON_NEGATIVE_INT, POSITIVE, POSITIVE_INT, solverSpec } from '@pfgm/runs';
import { Rng } from '@pfgm/tensor';
import { useBackend } from '../backend.js';
import { openCheckpointOf, withCheckpointOptions } from '../checkpoint-options.js';
import { runData } from '../run-data.js';
import { int, num, oneOf } from '../parse.js';

/** `pfgm bpd`: log-likelihood by the instantaneous change of variables; bits/dim for images, NLL in nats for points. */
export function registerBpd(program: Command): void {
  withCheckpointOptions(program.command('bpd').description('negative log-likelihood of data under a trained run or a released checkpoint (bits/dim for images with uniform dequantization)'))
    .requiredOption('--data <spec>', 'data to evaluate')
    .option('--split <name>', 'train | test', oneOf('--split', ['train', 'test'] as const), 'test')
    .option('--limit <n>', 'number of examples', int('--limit', POSITIVE_INT), 256)
    .option('--batch <n>', 'examples per ODE solve', int('--batch', POSITIVE_INT), 64)
    .option('--data-dir <dir>', 'folder with local copies of the data files')
    .option('--probes <n>', 'Hutchinson Rademacher probes for image data (exact divergence for points)', int('--probes', POSITIVE_INT), 1)
    .option('--rtol <x>', 'rk45 relative tolerance (default: PFGM 1e-4, VP/EDM 1e-5)', num('--rtol', POSITIVE))
    .option('--atol <x>', 'rk45 absolute tolerance', num('--atol', POSITIVE))
    .option('--seed <n>', 'seed of the dequantization noise and probes', int('--seed', NON_NEGATIVE_INT), 0)
    .action(async (o, cmd: Command) => {
      await useBackend(cmd);
      const run = await openCheckpointOf(o);
      try {
        const ds = await runData(run, o);
        const rng = new Rng(o.seed);
        const solver = solverSpec({ ...o, solver: 'rk45' }, run.config.method);
        const images = ds.kind === 'image';
        let total = 0;
        let nfe = 0;
        for (let first = 0; first < ds.length; first += o.batch) {
          const idx = Array.from({ length: Math.min(o.batch, ds.length - first) }, (_, i) => first + i);
          const x = dequantized(ds, idx, rng.child(first));
          const r = await logLikelihood(run.method, run.predictor, x, {
            solver, bpdOffset: images ? 7 : 0,
            divergence: images ? { kind: 'hutchinson', probes: o.probes, rng: rng.child(first + 1e9) } : { kind: 'exact' },
          });
          x.dispose();
          total += (images ? r.bpd : r.logp.map((l) => -l)).reduce((a, b) => a + b, 0);
          nfe += r.nfe;
          console.error(`  ${first + idx.length}/${ds.length} examples, running mean ${(total / (first + idx.length)).toFixed(4)}`);
        }
        console.log(`${images ? 'bits/dim' : 'NLL (nats)'} on ${ds.name} (${ds.length} examples): ${(total / ds.length).toFixed(4)}; NFE ${nfe}`);
      } finally {
        run.dispose();
      }
    });
}
