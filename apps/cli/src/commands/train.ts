import type { Command } from 'commander';
import { loadDataset } from '@pfgm/data';
import { preset, type NetworkConfig, type PresetName } from '@pfgm/networks';
import { METHOD_NAMES, methodConfigFor, trainDefaultsFor, trainRun, type MethodName, type TrainRunConfig } from '@pfgm/runs';
import { useBackend } from '../backend.js';
import { int, num, oneOf } from '../parse.js';

/** `pfgm train`: one training loop for every method (weighted MSE on method.perturb), checkpoints, Ctrl-C, --resume. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a PFGM / PFGM++ / EDM / VP-ODE model; writes config.json, provenance.json and checkpoint.safetensors to --out')
    .requiredOption('--method <name>', `method: ${METHOD_NAMES.join(' | ')}`, oneOf('--method', METHOD_NAMES))
    .option('--D <n>', 'PFGM++ augmented dimensions (pfgmpp only; "inf" = EDM)', dimension, 128)
    .requiredOption('--data <spec>', 'fmnist | cifar10 | toy:<name> | folder:<path>')
    .option('--data-dir <dir>', 'folder with local copies of the data files')
    .option('--limit <n>', 'use the first n examples (toys: number of points)', int('--limit'))
    .option('--size <px>', 'image side (fmnist: 32 pads 28 → 32)', int('--size'))
    .option('--channels <c>', 'image channels: 1 or 3 (grey → RGB)', int('--channels'))
    .option('--net <preset>', 'network preset: mlp | ddpm | ddpmpp | ddpmpp-deep | ddpm-small | ddpmpp-small | ddpmpp-deep-small', 'mlp')
    .option('--steps <n>', 'optimizer steps', int('--steps'), 2000)
    .option('--batch <n>', 'batch size B (default: paper value; toys 256)', int('--batch'))
    .option('--large-batch <n>', 'PFGM large batch B_L (default: paper 4096; toys 1024)', int('--large-batch'))
    .option('--lr <x>', 'Adam learning rate (default: paper value per method; toys 1e-3)', num('--lr'))
    .option('--warmup <n>', 'linear warm-up steps', int('--warmup'))
    .option('--grad-clip <x>', 'max gradient norm (0 = off)', num('--grad-clip'))
    .option('--ema <beta>', 'EMA decay per step', num('--ema'))
    .option('--flip', 'random horizontal flips (images)', false)
    .option('--seed <n>', 'seed of init, data order and noise', int('--seed'), 0)
    .option('--checkpoint-every <n>', 'steps between checkpoints', int('--checkpoint-every'), 500)
    .option('--sample-every <n>', 'steps between sample grids in <out>/samples/ (at checkpoints; 0 = none)', int('--sample-every'), 0)
    .requiredOption('--out <dir>', 'run folder')
    .option('--resume', 'continue the unfinished run in --out (only --steps may change)', false)
    .option('--overwrite', 'replace what --out holds', false)
    .action(async (o, cmd: Command) => {
      const backend = await useBackend(cmd);
      const ds = await loadDataset(o.data, { limit: o.limit, size: o.size, channels: o.channels, dataDir: o.dataDir, log: (m) => console.error(m) });
      const config = resolveTrainConfig(o, ds.sampleShape, ds.averageNorm(), ds.name);
      const r = await trainRun(config, { dir: o.out, resume: o.resume, overwrite: o.overwrite, dataset: ds, threads: backend.threads, sampleEvery: o.sampleEvery });
      if (r.interrupted) {
        console.error(`interrupted at step ${r.step}; checkpoint written. Continue with: pfgm train … --out ${o.out} --resume`);
        process.exitCode = 130;
      } else console.log(`trained ${r.step} steps (last loss ${r.lastLoss.toPrecision(4)}); run folder ${r.dir}`);
    });
}

/** CLI options → the resolved run config (paper defaults per method; a toy profile for point data). */
export function resolveTrainConfig(o: Record<string, any>, shape: readonly number[], avgNorm: number, dsName: string): TrainRunConfig {
  const methodName = (o.D === Infinity && o.method === 'pfgmpp' ? 'edm' : o.method) as MethodName;
  const toy = shape.length === 1;
  const d = trainDefaultsFor(methodName, toy ? 'toy' : 'paper');
  const method = methodConfigFor(methodName, { shape, avgNorm, cifar10: dsName.startsWith('cifar10') }, o.D);
  const net: NetworkConfig = preset(o.net as PresetName);
  if (toy !== (net.kind === 'mlp')) throw new Error(`--net ${o.net} does not fit ${dsName} (shape [${shape}]): use ${toy ? 'mlp for point data' : 'a U-Net preset for images'}`);
  return {
    methodName, method, netName: o.net, net,
    data: { spec: o.data, limit: o.limit, size: o.size, channels: o.channels, dataDir: o.dataDir, shape: [...shape], avgNorm },
    train: {
      steps: o.steps, batchSize: o.batch ?? d.batchSize, lr: o.lr ?? d.lr, warmup: o.warmup ?? d.warmup, gradClip: o.gradClip ?? d.gradClip,
      ema: o.ema !== undefined ? { kind: 'decay', beta: o.ema } : d.ema, seed: o.seed,
      referenceSize: methodName === 'pfgm' ? (o.largeBatch ?? d.referenceSize) : undefined,
      flip: o.flip, checkpointEvery: o.checkpointEvery,
    },
  };
}

function dimension(v: string): number {
  if (/^(inf|infinity|∞)$/i.test(v)) return Infinity;
  const D = Number(v);
  if (!Number.isInteger(D) || D < 1) throw new Error(`--D must be a positive integer or "inf", got "${v}"`);
  return D;
}
