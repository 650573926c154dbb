// Integration (issue 5): a U-Net preset builds, trains, checkpoints, resumes and samples through the CLI on real
// Fashion-MNIST (Debian's dataset-fashion-mnist, installed by .ci/run). Budget: ~30 s on 2 idle cores (timeout 10×).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
