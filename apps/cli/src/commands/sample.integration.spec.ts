// Issue 17: `pfgm sample` / `pfgm interpolate` never replace an existing --out silently (refused before any sampling
// unless --overwrite), and Ctrl-C while sampling exits 130 with the output absent or complete. The real CLI is
// spawned. Budget: one 4-step toy run and ~8 CLI starts of 1–3 s each (~20 s on an idle 2-core machine); timeouts
// are 4–6× that, so a loaded machine slows it down without failing it.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLine, spawnPfgm, type CliResult } from '../testing/spawn-pfgm.js';

const dir = mkdtempSync(join(tmpdir(), 'pfgm-sample-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]) => join(dir, ...p);
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

type Result = CliResult;

/** `pfgm --backend cpu <args>` run in this spec's folder. */
const pfgm = (args: string[], onStderr?: (text: string, pid: number) => void): Promise<Result> => spawnPfgm(dir, args, onStderr);


const run = 'run';
const fast = ['--ckpt', run, '--solver', 'euler', '--steps', '4'];

beforeAll(async () => {
  const made = await pfgm(['train', '--method', 'pfgmpp', '--D', '128', '--data', 'toy:8gaussians', '--limit', '512', '--batch', '64', '--steps', '4', '--out', run]);
  expect(made.code, made.stderr).toBe(0);
}, 120_000);

describe('pfgm sample / interpolate --out: an existing file is refused unless --overwrite', () => {
  it('sample: a second run into the same file is refused before sampling and leaves it unchanged; --overwrite replaces it', async () => {
    const first = await pfgm(['sample', ...fast, '--n', '8', '--out', 's.csv']);
    expect(first.code, first.stderr).toBe(0);
    const before = sha(at('s.csv'));
    const again = await pfgm(['sample', ...fast, '--n', '8', '--seed', '1', '--out', 's.csv']);
    expect(again.code).toBe(1);
    expect(errorLine(again)).toBe('error: --out s.csv: s.csv already exists; expected a new file. Pass --overwrite to replace it, or pick another --out');
    expect(again.stderr).not.toMatch(/^sampling/m);
    expect(sha(at('s.csv'))).toBe(before);
    const replaced = await pfgm(['sample', ...fast, '--n', '8', '--seed', '1', '--out', 's.csv', '--overwrite']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(sha(at('s.csv'))).not.toBe(before);
  }, 120_000);

  it('sample: a point plot is refused when the .csv it writes next to it exists', async () => {
    writeFileSync(at('p.csv'), 'x0,x1\n1,2\n');
    const r = await pfgm(['sample', ...fast, '--n', '8', '--out', 'p.png']);
    expect(r.code).toBe(1);
    expect(errorLine(r)).toMatch(/--out p\.png: .*p\.csv already exists \(a plot of points writes its values to .*p\.csv too\); .*--overwrite/);
    expect(existsSync(at('p.png'))).toBe(false);
    expect(readFileSync(at('p.csv'), 'utf8')).toBe('x0,x1\n1,2\n');
  }, 60_000);

  it('interpolate: an existing file is refused; --overwrite replaces it', async () => {
    writeFileSync(at('i.csv'), 'keep me');
    const r = await pfgm(['interpolate', ...fast, '--n', '4', '--out', 'i.csv']);
    expect(r.code).toBe(1);
    expect(errorLine(r)).toMatch(/--out i\.csv: i\.csv already exists; .*Pass --overwrite/);
    expect(readFileSync(at('i.csv'), 'utf8')).toBe('keep me');
    const ok = await pfgm(['interpolate', ...fast, '--n', '4', '--out', 'i.csv', '--overwrite']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(at('i.csv'), 'utf8').trim().split('\n')).toHaveLength(5); // header + 4 points
  }, 60_000);
});

describe('pfgm sample: Ctrl-C', () => {
  it('SIGINT while sampling exits 130; the output is absent or complete, and no temp file is left', async () => {
    // The cpu solver does not yield while it steps, so the signal is handled when the solve ends (before writing):
    // a short solve is enough; what matters is that the signal comes after the command started its work.
    const n = 256;
    let sent = false;
    const r = await pfgm(['sample', '--ckpt', run, '--solver', 'euler', '--steps', '10', '--n', String(n), '--out', 'big.csv'], (text, pid) => {
      if (!sent && /^sampling /m.test(text)) {
        sent = true;
        process.kill(pid, 'SIGINT');
      }
    });
    expect(sent, r.stderr).toBe(true);
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/Ctrl-C: stopped; (nothing was written to big\.csv|big\.csv was written completely)/);
    if (existsSync(at('big.csv'))) expect(readFileSync(at('big.csv'), 'utf8').trim().split('\n')).toHaveLength(n + 1);
    else expect(r.stderr).toMatch(/nothing was written/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(at(run)).filter((f) => f.endsWith('.tmp') || f === '.pfgm-lock')).toEqual([]);
  }, 120_000);
});
