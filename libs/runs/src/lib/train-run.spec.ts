// Issue 17: trainRun (the library entry point of the CLI and the experiments) checks everything before it touches
// the run folder, replaces only runs, keeps one writer per folder, and records what its checkpoint belongs to.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '@pfgm/data';
import { pfgmppConfig } from '@pfgm/methods';
import { preset } from '@pfgm/networks';
import { LOCK_FILE } from '@pfgm/report';
import { initBackend } from '@pfgm/tensor';
import { openRun } from './open-run.js';
import type { TrainRunConfig } from './run-config.js';
import { checkpointMismatch } from './run-checkpoint.js';
import { trainRun } from './train-run.js';

const root = mkdtempSync(join(tmpdir(), 'pfgm-train-run-'));
let data: Dataset;
let previous: string;
beforeAll(async () => {
  previous = tf.getBackend();
  await initBackend('cpu', { log: () => undefined });
  data = await loadDataset('toy:8gaussians', { limit: 256 });
});
afterAll(async () => {
  await tf.setBackend(previous);
});

const config = (D = 128, steps = 2): TrainRunConfig => ({
  methodName: 'pfgmpp',
  method: pfgmppConfig(D),
  netName: 'mlp-16',
  net: preset('mlp', { hidden: [16], embedDim: 8 }),
  data: { spec: 'toy:8gaussians', limit: 256, shape: [2], avgNorm: data.averageNorm() },
  train: { steps, batchSize: 32, lr: 1e-3, warmup: 0, gradClip: 1, ema: { kind: 'decay', beta: 0.9 }, seed: 0, flip: false, checkpointEvery: 0 },
});
const quiet = { dataset: undefined as Dataset | undefined, progress: false, handleSigint: false, log: () => undefined };
const opts = (dir: string, more: object = {}) => ({ ...quiet, dataset: data, dir, ...more });

describe('trainRun', () => {
  it('refuses invalid settings before creating or changing the folder', async () => {
    const dir = join(root, 'never');
    await expect(trainRun({ ...config(), train: { ...config().train, steps: 0 } }, opts(dir))).rejects.toThrow(/--steps must be a positive integer/);
    await expect(trainRun({ ...config(), train: { ...config().train, batchSize: 1000 } }, opts(dir))).rejects.toThrow(/fewer than one batch of 1000/);
    expect(existsSync(dir)).toBe(false);
  });

  it('writes the run and its train-log.csv, and a checkpoint that records method, net and data shape', async () => {
    const dir = join(root, 'ok');
    await trainRun(config(), opts(dir));
    expect(readdirSync(dir).sort()).toEqual(['DONE', 'checkpoint.safetensors', 'config.json', 'provenance.json', 'train-log.csv', 'train-loss.svg']);
    expect(readFileSync(join(dir, 'train-loss.svg'), 'utf8')).toMatch(/<svg[\s\S]*training loss/);
    expect(readFileSync(join(dir, 'train-log.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    const run = await openRun(dir);
    expect(run.step).toBe(2);
    run.dispose();
  });

  it('--overwrite of a run removes only what training wrote; a folder that is not a run is refused untouched', async () => {
    const dir = join(root, 'ow');
    await trainRun(config(), opts(dir));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await trainRun(config(128, 3), opts(dir, { overwrite: true }));
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).train.steps).toBe(3);
    const foreign = join(root, 'thesis');
    mkdirSync(join(foreign, 'chapters'), { recursive: true });
    writeFileSync(join(foreign, 'thesis.tex'), 'x');
    await expect(trainRun(config(), opts(foreign, { overwrite: true }))).rejects.toThrow(/not a pfgm run folder/);
    expect(readdirSync(foreign).sort()).toEqual(['chapters', 'thesis.tex']);
  });

  it('a resumed run records where it resumed and keeps the earlier piece in provenance.json', async () => {
    const dir = join(root, 'pieces');
    await trainRun(config(128, 2), opts(dir));
    const first = JSON.parse(readFileSync(join(dir, 'provenance.json'), 'utf8'));
    expect(first.segments).toBeUndefined();
    await trainRun(config(128, 4), opts(dir, { resume: true }));
    const p = JSON.parse(readFileSync(join(dir, 'provenance.json'), 'utf8'));
    expect(p.resumedAt).toBe(2);
    expect(p.segments).toEqual([{ from: 0, git: first.git, backend: first.backend, kernels: first.kernels ?? null, startedAt: first.startedAt }]);
  });

  it('refuses a folder another live process holds, writing nothing', async () => {
    const dir = join(root, 'held');
    mkdirSync(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00.000Z', what: 'pfgm train', token: 'x' }));
    await expect(trainRun(config(), opts(dir))).rejects.toThrow(new RegExp(`in use by pid ${process.ppid} on ${hostname()} since 2026-01-01`));
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('refuses to resume from a checkpoint of another method config, naming the field', async () => {
    const dir = join(root, 'mixed');
    await trainRun(config(2048), opts(join(root, 'd2048')));
    await trainRun(config(128), opts(dir));
    writeFileSync(join(dir, 'checkpoint.safetensors'), readFileSync(join(root, 'd2048', 'checkpoint.safetensors')));
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    await expect(trainRun(config(128, 4), opts(dir, { resume: true }))).rejects.toThrow(/method\.D: checkpoint 2048, expected 128/);
    await expect(openRun(dir)).rejects.toThrow(/method\.D: checkpoint 2048, expected 128/);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'DONE'))).toBe(true);
  });
});

describe('checkpoints written before the run metadata', () => {
  it('compare on the method name only, and the committed ones still open', async () => {
    expect(checkpointMismatch({ methodName: 'pfgmpp' }, config())).toEqual([]);
    expect(checkpointMismatch({ methodName: 'vp' }, config())).toEqual(['methodName: checkpoint "vp", expected "pfgmpp"']);
    const committed = new URL('../../../../results/toy-table/cpu-2026-11-25/shared/models/8gaussians-pfgmpp-d128', import.meta.url).pathname;
    const run = await openRun(committed);
    expect(run.config.method).toMatchObject({ kind: 'pfgmpp', D: 128 });
    run.dispose();
  });
});
