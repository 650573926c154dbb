import type { Command } from 'commander';
import { loadDataset } from '@pfgm/data';
import { preset, type NetworkConfig, type PresetName } from '@pfgm/networks';
import {
  checkFolderOption, cpuTrainDefaults, fitNetToShape, METHOD_NAMES, methodConfigFor, NON_NEGATIVE, NON_NEGATIVE_INT, POSITIVE, POSITIVE_INT, precheckRunFolder,
  TRAIN_PROFILES, trainDefaultsFor, trainRun, UNIT, type MethodName, type TrainDefaults, type TrainProfile, type TrainRunConfig,
} from '@pfgm/runs';
import { useBackend } from '../backend.js';
import { dimension, int, num, oneOf } from '../parse.js';

/** Exit status after a signal stopped training (128 + the signal's number, as a shell reports it). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** `pfgm train`: one training loop for every method (weighted MSE on method.perturb), checkpoints, Ctrl-C, --resume. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a PFGM / PFGM++ / EDM / VP-ODE model; writes config.json, provenance.json, checkpoint.safetensors and train-log.csv to --out')
    .requiredOption('--method <name>', `method: ${METHOD_NAMES.join(' | ')}`, oneOf('--method', METHOD_NAMES))
    .option('--D <n>', 'PFGM++ augmented dimensions (pfgmpp only; "inf" = EDM)', dimension('--D'), 128)
    .requiredOption('--data <spec>', 'fmnist | cifar10 | toy:<name> | folder:<path>')
    .option('--data-dir <dir>', 'folder with local copies of the data files')
    .option('--limit <n>', 'use the first n examples (toys: number of points)', int('--limit', POSITIVE_INT))
    .option('--size <px>', 'image side (fmnist: 32 pads 28 → 32)', int('--size', POSITIVE_INT))
    .option('--channels <c>', 'image channels: 1 or 3 (grey → RGB)', (v: string) => Number(oneOf('--channels', ['1', '3'] as const)(v)))
    .option('--net <preset>', 'network preset: mlp | ddpm | ddpmpp | ddpmpp-deep | ddpm-small | ddpmpp-small | ddpmpp-deep-small (U-Net attention follows the image side)', 'mlp')
    .option('--profile <name>', 'image defaults: paper (the papers\' batch, warm-up, EMA; GPU budgets) | cpu (batch 32, warm-up 100, EMA 0.999: steps within seconds). Default: paper on the native tensorflow backend, cpu otherwise', oneOf('--profile', TRAIN_PROFILES))
    .option('--steps <n>', 'optimizer steps', int('--steps', POSITIVE_INT), 2000)
    .option('--batch <n>', 'batch size B (default: per profile; toys 256)', int('--batch', POSITIVE_INT))
    .option('--large-batch <n>', 'PFGM large batch B_L ≥ B (default: paper 4096, cpu 256; toys 1024)', int('--large-batch', POSITIVE_INT))
    .option('--lr <x>', 'Adam learning rate > 0 (default: paper value per method; toys 1e-3)', num('--lr', POSITIVE))
    .option('--warmup <n>', 'linear warm-up steps', int('--warmup', NON_NEGATIVE_INT))
    .option('--grad-clip <x>', 'max gradient norm (0 = off)', num('--grad-clip', NON_NEGATIVE))
    .option('--ema <beta>', 'EMA decay per step, in [0, 1)', num('--ema', UNIT))
    .option('--flip', 'random horizontal flips (images; default per method and profile)')
    .option('--seed <n>', 'seed of init, data order and noise', int('--seed', NON_NEGATIVE_INT), 0)
    .option('--checkpoint-every <n>', 'steps between checkpoints (0 = only at the end and on a signal)', int('--checkpoint-every', NON_NEGATIVE_INT), 500)
    .option('--sample-every <n>', 'steps between sample grids in <out>/samples/ (at checkpoints; 0 = none)', int('--sample-every', NON_NEGATIVE_INT), 0)
    .requiredOption('--out <dir>', 'run folder')
    .option('--resume', 'continue the unfinished run in --out (only --steps and --checkpoint-every may change)', false)
    .option('--overwrite', 'replace the run in --out (only files a training run writes; other folders are refused)', false)
    .action(async (o, cmd: Command) => {
      precheckRunFolder({ dir: o.out, resume: o.resume, overwrite: o.overwrite });
      checkFolderOption('--data-dir', o.dataDir);
      const backend = await useBackend(cmd);
      const ds = await loadDataset(o.data, { limit: o.limit, size: o.size, channels: o.channels, dataDir: o.dataDir, log: (m) => console.error(m) });
      const profile: TrainProfile = o.profile ?? (backend.name === 'tensorflow' ? 'paper' : 'cpu');
      const config = resolveTrainConfig({ ...o, profile }, ds.sampleShape, ds.averageNorm(), ds.name);
      if (ds.sampleShape.length === 3) console.error(`profile ${profile}: batch ${config.train.batchSize}, warm-up ${config.train.warmup}, lr ${config.train.lr}${config.train.referenceSize ? `, B_L ${config.train.referenceSize}` : ''}`);
      const r = await trainRun(config, { dir: o.out, resume: o.resume, overwrite: o.overwrite, dataset: ds, threads: backend.threads, sampleEvery: o.sampleEvery });
      if (r.signal) {
        console.error(`interrupted at step ${r.step}; checkpoint written. Continue with: pfgm train … --out ${o.out} --resume`);
        process.exitCode = SIGNAL_EXIT[r.signal];
      } else console.log(`trained ${r.step} steps (last loss ${r.lastLoss.toPrecision(4)}); run folder ${r.dir}`);
    });
}

/** CLI options → the resolved run config (paper or cpu defaults per method for images; a toy profile for point data). */
export function resolveTrainConfig(o: Record<string, any>, shape: readonly number[], avgNorm: number, dsName: string): TrainRunConfig {
  const methodName = (o.D === Infinity && o.method === 'pfgmpp' ? 'edm' : o.method) as MethodName;
  const toy = shape.length === 1;
  const d: TrainDefaults & { flip?: boolean } = toy ? trainDefaultsFor(methodName, 'toy') : o.profile === 'cpu' ? cpuTrainDefaults(methodName) : trainDefaultsFor(methodName, 'paper');
  const method = methodConfigFor(methodName, { shape, avgNorm, cifar10: dsName.startsWith('cifar10') }, o.D);
  const net: NetworkConfig = fitNetToShape(preset(o.net as PresetName), shape);
  if (toy !== (net.kind === 'mlp')) throw new Error(`--net ${o.net} does not fit ${dsName} (shape [${shape}]): use ${toy ? 'mlp for point data' : 'a U-Net preset (e.g. ddpmpp-small) for images'}`);
  return {
    methodName, method, netName: o.net, net,
    data: { spec: o.data, limit: o.limit, size: o.size, channels: o.channels, dataDir: o.dataDir, shape: [...shape], avgNorm },
    train: {
      steps: o.steps, batchSize: o.batch ?? d.batchSize, lr: o.lr ?? d.lr, warmup: o.warmup ?? d.warmup, gradClip: o.gradClip ?? d.gradClip,
      ema: o.ema !== undefined ? { kind: 'decay', beta: o.ema, warmup: true } : d.ema, seed: o.seed,
      referenceSize: methodName === 'pfgm' ? (o.largeBatch ?? d.referenceSize) : undefined,
      flip: o.flip ?? d.flip ?? false, checkpointEvery: o.checkpointEvery,
    },
  };
}
