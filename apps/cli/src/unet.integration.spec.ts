// Integration (issue 5): a U-Net preset builds, trains, checkpoints, resumes and samples through the CLI on real
// Fashion-MNIST (Debian's dataset-fashion-mnist, installed by .ci/run). Budget: ~30 s on 2 idle cores (timeout 10×).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readNpz } from '@pfgm/eval';
import { buildProgram } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'pfgm-unet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pfgm(...args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    await buildProgram().parseAsync(['node', 'pfgm', '--backend', 'wasm', ...args]);
    return out.join('\n');
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('U-Net through the CLI', () => {
  it('trains ddpmpp-small with PFGM on Fashion-MNIST 32×32, resumes, and samples an image grid', async () => {
    const run = join(dir, 'pfgm-unet');
    const args = ['train', '--method', 'pfgm', '--data', 'fmnist', '--size', '32', '--limit', '64', '--net', 'ddpmpp-small', '--batch', '4', '--large-batch', '16', '--out', run];
    expect(await pfgm(...args, '--steps', '1')).toMatch(/trained 1 steps/);
    expect(await pfgm(...args, '--steps', '2', '--resume')).toMatch(/trained 2 steps/);
    expect(await pfgm('sample', '--ckpt', run, '--solver', 'euler', '--nfe', '2', '--n', '4', '--out', join(dir, 'grid.png'))).toMatch(/4 samples, euler, NFE 2/);
    expect(existsSync(join(dir, 'grid.png'))).toBe(true);
    await pfgm('sample', '--ckpt', run, '--solver', 'euler', '--nfe', '1', '--n', '3', '--out', join(dir, 'all.npz'));
    const { samples } = readNpz(readFileSync(join(dir, 'all.npz')));
    expect(samples.shape).toEqual([3, 32, 32, 1]);
  }, 300_000);

  it('trains ddpmpp-small at 28×28 from the CLI with the CPU profile (attention at 14), with progress and a warm-up warning', () => {
    // Issue 17: this used to fail with advice to set attnResolutions, an option the CLI does not have.
    const bin = fileURLToPath(new URL('../bin/pfgm.mjs', import.meta.url));
    const out = join(dir, 'fm28');
    const r = spawnSync(process.execPath, [bin, '--backend', 'wasm', 'train', '--method', 'pfgmpp', '--data', 'fmnist', '--limit', '256', '--net', 'ddpmpp-small', '--steps', '2', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/profile cpu: batch 32, warm-up 100/);
    expect(r.stderr).toMatch(/warning: the learning-rate warm-up \(100 steps\) is not shorter than the run \(2 steps\)/);
    expect(r.stderr).toMatch(/^train 1\/2 \| \d+\.\d+ it\/s \| ETA /m);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.net.attnResolutions).toEqual([14]);
    expect(config.data.shape).toEqual([28, 28, 1]);
    expect(readFileSync(join(out, 'train-log.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
  }, 300_000);
});
