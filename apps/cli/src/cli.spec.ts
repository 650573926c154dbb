import { CommanderError, type Command } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'pfgm-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process; returns stdout lines, or throws its error. */
async function pfgm(...args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const program = buildProgram();
  const quiet = (c: Command) => {
    c.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    c.commands.forEach(quiet);
  };
  quiet(program);
  try {
    await program.parseAsync(['node', 'pfgm', '--backend', 'cpu', ...args]);
    return out.join('\n');
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

const run = join(dir, 'run');
const trainArgs = ['train', '--method', 'pfgmpp', '--D', '128', '--data', 'toy:8gaussians', '--limit', '512', '--steps', '6', '--batch', '64', '--checkpoint-every', '3', '--sample-every', '3', '--out', run];

describe('pfgm CLI', () => {
  it('trains, then samples, encodes, interpolates and computes the NLL from the run folder', async () => {
    expect(await pfgm(...trainArgs)).toMatch(/trained 6 steps/);
    for (const f of ['config.json', 'provenance.json', 'checkpoint.safetensors', 'DONE', 'samples/step-3.png', 'samples/step-6.png']) expect(existsSync(join(run, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).method).toMatchObject({ kind: 'pfgmpp', D: 128 });
    expect(await pfgm('sample', '--ckpt', run, '--solver', 'euler', '--nfe', '5', '--n', '16', '--out', join(dir, 's.csv'))).toMatch(/16 samples, euler, NFE 5/);
    expect(readFileSync(join(dir, 's.csv'), 'utf8').trim().split('\n')).toHaveLength(17);
    expect(await pfgm('encode', '--ckpt', run, '--data', 'toy:8gaussians', '--limit', '4', '--out', join(dir, 'z.safetensors'))).toMatch(/max \|x − decode\(encode\(x\)\)\|/);
    expect(await pfgm('interpolate', '--ckpt', run, '--n', '5', '--solver', 'heun', '--steps', '4', '--out', join(dir, 'i.csv'))).toMatch(/1 path\(s\) of 5 points/);
    expect(await pfgm('bpd', '--ckpt', run, '--data', 'toy:8gaussians', '--limit', '8')).toMatch(/NLL \(nats\) on toy:8gaussians \(8 examples\): \d/);
  }, 300_000);

  it('never overwrites a finished run silently, and resumes only with the same settings', async () => {
    await expect(pfgm(...trainArgs)).rejects.toThrow(/already holds a finished run; refusing to overwrite/);
    await expect(pfgm(...trainArgs, '--resume')).rejects.toThrow(/already finished its 6 steps/);
    await expect(pfgm(...trainArgs.map((a) => (a === '64' ? '32' : a)), '--resume', '--steps', '9')).rejects.toThrow(/config\.train\.batchSize: checkpoint 64, expected 32/);
    expect(await pfgm(...trainArgs.filter((a, i) => !(i > 0 && trainArgs[i - 1] === '--steps') && a !== '--steps'), '--steps', '9', '--resume')).toMatch(/trained 9 steps/);
  }, 120_000);

  it('rejects bad input with a clear message', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof CommanderError ? e.code : e.message));
    expect(await code(pfgm(...trainArgs, '--bogus'))).toBe('commander.unknownOption');
    expect(await code(pfgm(...trainArgs.map((a) => (a === '6' ? 'six' : a))))).toBe('commander.invalidArgument');
    expect(await code(pfgm('train', '--method', 'gan', '--data', 'toy:moons', '--out', join(dir, 'x')))).toBe('commander.invalidArgument');
    await expect(pfgm('sample', '--ckpt', join(dir, 'missing'), '--out', join(dir, 'a.png'))).rejects.toThrow(/expected a run folder made by 'pfgm train'/);
    await expect(pfgm('sample', '--ckpt', run, '--solver', 'leapfrog', '--out', join(dir, 'a.png'))).rejects.toThrow(/expected euler, heun, rk4 or rk45/);
    await expect(pfgm('train', '--method', 'vp', '--data', 'toy:moons', '--net', 'ddpm-small', '--out', join(dir, 'y'))).rejects.toThrow(/does not fit/);
    await expect(pfgm('train', '--method', 'vp', '--data', 'toy:nope', '--out', join(dir, 'z'))).rejects.toThrow(/nope/);
  }, 120_000);

  it('Ctrl-C writes a checkpoint and exits 130; --resume continues from it', async () => {
    const bin = fileURLToPath(new URL('../bin/pfgm.mjs', import.meta.url));
    const out = join(dir, 'sigint');
    const args = ['--backend', 'cpu', 'train', '--method', 'vp', '--data', 'toy:moons', '--limit', '512', '--batch', '64', '--steps', '100000', '--checkpoint-every', '100000', '--out', out];
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/^training vp on/m.test(stderr) && !sent) {
        sent = true;
        setTimeout(() => process.kill(-child.pid!, 'SIGINT'), 1500); // the whole group, as a terminal's Ctrl-C does
      }
    });
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    expect(stderr).toMatch(/interrupted at step \d+; checkpoint written/);
    expect(code).toBe(130);
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(true);
    expect(existsSync(join(out, 'DONE'))).toBe(false);
    const step = Number(/interrupted at step (\d+)/.exec(stderr)![1]);
    expect(await pfgm(...args.slice(2).map((a) => (a === '100000' ? String(step + 2) : a)), '--resume')).toMatch(new RegExp(`trained ${step + 2} steps`));
  }, 180_000);
});
