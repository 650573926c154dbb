// Writes results/baselines-images.json: `tsx src/regression/write-image-baselines.ts [--metric fd-fmnist|fid] [--inception path] [--out path]`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeJson } from '@pfgm/report';
import { initBackend } from '@pfgm/tensor';
import { buildImageBaselines } from './build-image-baselines.js';
import { IMAGE_BASELINES_PATH, IMAGE_MODELS_DIR, readImageBaselines } from './image-baselines-file.js';

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

function seedList(v: string): number[] {
  const seeds = v.split(',').map(Number);
  if (seeds.some((s) => !Number.isInteger(s))) throw new InvalidArgumentError('expected training seeds, e.g. 1 or 1,2');
  return seeds;
}

/** Paths on the command line are relative to where npm was started (INIT_CWD), not to experiments/. */
const fromCwd = (p: string): string => resolve(process.env.INIT_CWD ?? process.cwd(), p);

function pair(v: string, acc: [string, string][]): [string, string][] {
  const i = v.indexOf('=');
  if (i < 1 || i === v.length - 1) throw new InvalidArgumentError("expected <id>=<reason>");
  return [...acc, [v.slice(0, i), v.slice(i + 1)]];
}

const program = new Command('write-image-baselines')
  .description('measures the committed Fashion-MNIST checkpoints over K sampling seeds with FD-FMNIST (or Inception FID) and writes results/baselines-images.json')
  .option('--models <dir>', 'folder of trained runs', IMAGE_MODELS_DIR)
  .option('--prefix <p>', 'only run folders whose name starts with this', 'fmnist-')
  .addOption(new Option('--metric <kind>', 'fd-fmnist; fid (pytorch-fid Inception weights: --inception, else the cache); fid-synthetic-weights (plumbing only)').choices(['fd-fmnist', 'fid', 'fid-synthetic-weights']).default('fd-fmnist'))
  .option('--inception <path>', 'pytorch-fid Inception weights (pt_inception-2015-12-05-6726825d.pth) for --metric fid')
  .option('--seeds <K>', 'baseline seeds 1..K (K ≥ 8)', int, 12)
  .option('--ci-seed <s>', 'the seed CI evaluates (outside 1..K)', int, 1000)
  .option('--alpha <a>', 'per-model false-alarm rate of the tolerance', Number, 0.001)
  .option('--samples <n>', 'images per seed (FD-FMNIST needs > 128)', int, 160)
  .option('--batch <n>', 'images per sampler call', int, 160)
  .option('--steps <n>', 'Heun grid intervals (NFE = 2·steps − 1)', int, 4)
  .addOption(new Option('--weights <w>', 'which weights of each checkpoint are sampled').choices(['raw', 'ema']).default('raw'))
  .option('--ref-images <n>', 'reference: the first n Fashion-MNIST test images', int, 2000)
  .option('--backend <name>', 'tfjs backend; the check selects the same one', 'wasm')
  .option('--out <path>', 'output file', IMAGE_BASELINES_PATH)
  .option('--unchecked <id=reason>', 'record a model without checking it in CI, with the reason (repeatable)', pair, [] as [string, string][])
  .option('--score-seeds <s,…>', 'measure and re-score in CI only runs of these training seeds; the others are checked by sha256 only', seedList)
  .option('--reuse', 'keep the entries of the existing --out file whose run files and settings are unchanged (measure only new or changed runs; not after a change to the sampler, network code or metric)')
  .action(async (o) => {
    const out = fromCwd(o.out);
    const modelsDir = fromCwd(o.models);
    if (o.reuse && !existsSync(out)) throw new Error(`--reuse: ${out} does not exist yet; run once without --reuse`);
    await initBackend(o.backend, { log: () => undefined });
    const file = await buildImageBaselines({
      modelsDir,
      prefix: o.prefix,
      settings: { metric: o.metric, solver: { kind: 'heun', steps: o.steps }, samples: o.samples, batch: o.batch, weights: o.weights, reference: { data: 'fmnist', split: 'test', images: o.refImages, size: 28 }, backend: o.backend },
      inceptionPath: o.inception,
      K: o.seeds,
      alpha: o.alpha,
      ciSeed: o.ciSeed,
      unchecked: Object.fromEntries(o.unchecked),
      ...(o.scoreSeeds ? { scoreSeeds: o.scoreSeeds } : {}),
      ...(o.reuse ? { reuse: readImageBaselines(out) } : {}),
      regenerate: `npm run baselines-images -w experiments -- ${process.argv.slice(2).join(' ')}`.trimEnd().replace(/ --$/, ''),
      log: (l) => console.log(l),
    });
    writeJson(out, file);
    console.log(`wrote ${out} (${file.models.length} models, ${file.provenance.wallSeconds.toFixed(0)} s)`);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
