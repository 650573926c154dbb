import { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkpointFlags, withCheckpointOptions } from './checkpoint-options.js';
import { buildProgram } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'pfgm-ckpt-opts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (p: string): string => fileURLToPath(new URL(`../../../libs/networks/src/lib/fixtures/released/${p}`, import.meta.url));

const parse = (...args: string[]) => withCheckpointOptions(new Command().exitOverride().configureOutput({ writeErr: () => undefined })).parse(['node', 'x', ...args]).opts();

describe('--checkpoint / --ckpt and the released-file flags', () => {
  it('--checkpoint (issue 15) and --ckpt are one option; the help says so', () => {
    expect(parse('--checkpoint', 'a.pt').ckpt).toBe('a.pt');
    expect(parse('--ckpt', 'b.pth').ckpt).toBe('b.pth');
    const help = withCheckpointOptions(new Command()).helpInformation();
    expect(help).toMatch(/--checkpoint, --ckpt <path>/);
    expect(help.replace(/\s+/g, ' ')).toMatch(/--checkpoint and --ckpt are one option/);
    for (const cmd of ['sample', 'encode', 'interpolate', 'bpd', 'fid']) {
      const c = buildProgram().commands.find((x) => x.name() === cmd) as Command;
      expect(c.helpInformation(), cmd).toMatch(/--checkpoint, --ckpt <path>[\s\S]*--method <name>[\s\S]*--D <n>[\s\S]*--dataset <name>[\s\S]*--arch-config <file\.json>/);
    }
  });

  it('parses --method, --D, --dataset in their domains', () => {
    expect(parse('--ckpt', 'a.pkl', '--method', 'pfgmpp', '--D', '2048', '--dataset', 'ffhq64')).toMatchObject({ method: 'pfgmpp', D: 2048, dataset: 'ffhq64' });
    expect(() => parse('--ckpt', 'a', '--method', 'gan')).toThrow(/--method must be one of pfgm, pfgmpp, edm, vp, got "gan"/);
    expect(() => parse('--ckpt', 'a', '--D', '0')).toThrow(/--D must be a positive integer/);
    expect(() => parse('--ckpt', 'a', '--dataset', 'mnist')).toThrow(/--dataset must be one of cifar10, celeba64, lsun-bedroom256, ffhq64, got "mnist"/);
  });

  it('reads --arch-config, one line per problem', () => {
    writeFileSync(join(dir, 'bad.json'), '{ model');
    expect(() => checkpointFlags({ archConfig: join(dir, 'none.json') })).toThrow(/^--arch-config \S*none\.json: no such file/);
    expect(() => checkpointFlags({ archConfig: dir })).toThrow(/is a folder; expected a JSON file$/);
    expect(() => checkpointFlags({ archConfig: join(dir, 'bad.json') })).toThrow(/^--arch-config \S*bad\.json: not valid JSON \(/);
    expect(checkpointFlags({ archConfig: fixture('poisson-flow-ddpmpp/expected.json'), method: 'pfgm' }).ncsnpp?.data.image_size).toBe(8);
  });

  it('pfgm sample --checkpoint <released file> samples it (in-process)', async () => {
    const out = join(dir, 's.png');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await buildProgram().parseAsync(['node', 'pfgm', '--backend', 'cpu', 'sample', '--checkpoint', fixture('pfgmpp-ncsnpp/training-state-000001.pt'), '--method', 'pfgmpp', '--D', '128', '--solver', 'heun', '--steps', '2', '--n', '2', '--out', out]);
      expect(log.mock.calls.flat().join('\n')).toMatch(/2 samples, heun, NFE 3/);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    expect(existsSync(out)).toBe(true);
  }, 120_000);
});
