// Writes results/baselines.json: `tsx src/regression/write-baselines.ts [--seeds 16] [--backend cpu] [--out path]`.
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { writeJson } from '@pfgm/report';
import { initBackend } from '@pfgm/tensor';
import { BASELINES_PATH } from './baselines-file.js';
import { buildBaselines } from './build-baselines.js';

/** The committed toy-table cpu run's models. */
const DEFAULT_MODELS = fileURLToPath(new URL('../../../results/toy-table/cpu-2026-11-25/shared/models', import.meta.url));

function pair(v: string, acc: [string, string][]): [string, string][] {
  const i = v.indexOf('=');
  if (i < 1 || i === v.length - 1) throw new InvalidArgumentError("expected <id>=<reason>, e.g. 'pfgmpp-d1=heavy-tailed spread'");
  return [...acc, [v.slice(0, i), v.slice(i + 1)]];
}

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

const program = new Command('write-baselines')
  .description('measures the committed toy checkpoints over K sampling seeds and writes results/baselines.json')
  .option('--models <dir>', 'folder of trained runs', DEFAULT_MODELS)
  .option('--seeds <K>', 'baseline seeds 1..K (K ≥ 8)', int, 16)
  .option('--ci-seed <s>', 'the seed CI evaluates (outside 1..K)', int, 1000)
  .option('--alpha <a>', 'per-model false-alarm rate of the tolerance', Number, 0.001)
  .option('--samples <n>', 'samples per seed', int, 1000)
  .option('--steps <n>', 'Heun grid intervals (NFE = 2·steps − 1)', int, 11)
  .option('--test-points <m>', 'held-out toy points (test stream, seed 0)', int, 2000)
  .option('--far-factor <f>', 'far radius = f × the largest held-out point norm', Number, 2)
  .option('--backend <name>', 'tfjs backend; cpu matches the test runner', 'cpu')
  .option('--out <path>', 'output file', BASELINES_PATH)
  .option('--unchecked <id=reason>', 'record a model (id or <method> part) without checking it in CI, with the reason (repeatable)', pair, [] as [string, string][])
  .action(async (o) => {
    await initBackend(o.backend, { log: () => undefined });
    const file = await buildBaselines({
      modelsDir: o.models,
      settings: { metric: 'sw2', directions: 256, solver: { kind: 'heun', steps: o.steps }, samples: o.samples, test: { split: 'test', seed: 0, points: o.testPoints }, farFactor: o.farFactor },
      K: o.seeds,
      alpha: o.alpha,
      ciSeed: o.ciSeed,
      unchecked: Object.fromEntries(o.unchecked),
      log: (l) => console.log(l),
    });
    writeJson(o.out, file);
    console.log(`wrote ${o.out} (${file.models.length} models, ${file.provenance.wallSeconds.toFixed(0)} s)`);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
