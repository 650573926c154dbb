// Issue 17: the experiment runner (experiments/src/main.ts, spawned as a user runs it) exits 143 on SIGTERM with a
// resumable run folder (finished cell records kept, no temp file or half-written record), the same --run-id then
// finishes it; bad input gets one `error:` line, exit 1, no stack trace; a relative --out is taken from the caller's
// folder (npm's INIT_CWD). Budget: the ci toy-table cut to 2 cells (EDM, VP; no oracle), ~5 process starts,
// ~25 s on an idle 2-core machine; the timeouts are 4–6× that, so a loaded machine slows it down without failing it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const main = fileURLToPath(new URL('../main.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'experiments-main-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx --conditions=@pfgm/source experiments/src/main.ts <args>` as one process (tsx's loader in node, as
 * apps/cli/bin does), so a signal reaches the runner itself; `onStderr` sees stderr as it grows.
 */
function experiment(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onStderr?: (text: string, pid: number) => void } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@pfgm/source', '--import', 'tsx', main, ...args], {
      cwd: opts.cwd ?? repo,
      env: { ...process.env, PFGM_BACKEND: 'wasm', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr, child.pid as number);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Every file under `dir`, relative. */
function files(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(dir, join(rel, e.name)) : [join(rel, e.name)]));
}

function noStackTrace(r: Result): void {
  expect(r.stdout + r.stderr, 'a stack trace').not.toMatch(/\n\s+at /);
  expect(r.stdout + r.stderr).not.toMatch(/Cannot read properties|undefined is not|TypeError|ReferenceError|createRunDir/);
}

/** The one `error:` line of a failed run. */
function errorLine(r: Result): string {
  noStackTrace(r);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0];
}

const out = join(root, 'results');
const cells = ['8gaussians-edm-net', '8gaussians-vp-net'];
const toy = ['toy-table', '--preset', 'ci', '--run-id', 'sig', '--out', out, '--override', JSON.stringify({ methods: [{ name: 'edm' }, { name: 'vp' }], oracle: false })];
const runDir = join(out, 'toy-table', 'sig');

describe('experiment runner: signals, resume, bad input', () => {
  it('SIGTERM while the second cell trains: exit 143, the first cell kept, nothing half-written; the same --run-id finishes the run', async () => {
    let sent = false;
    const r = await experiment(toy, {
      onStderr: (text, pid) => {
        // The first cell's record is written before its "[1/2]" line; signal once the second cell trains.
        if (!sent && existsSync(join(runDir, 'cells', `${cells[0]}.json`)) && /\[1\/2\][^]*train \d+\/60/.test(text)) {
          sent = true;
          process.kill(pid, 'SIGTERM');
        }
      },
    });
    expect(sent, r.stderr).toBe(true);
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/SIGTERM: stopped.*--run-id sig/);
    noStackTrace(r);
    expect(r.stderr).not.toMatch(/^error:/m);
    // Resumable: the first cell's record is whole, the second has none (or a whole one), no temp file, no lock, not finished.
    const left = files(root);
    expect(left.filter((f) => f.endsWith('.tmp')), 'temp files').toEqual([]);
    expect(left.filter((f) => f.endsWith('.pfgm-lock')), 'locks').toEqual([]);
    expect(JSON.parse(readFileSync(join(runDir, 'cells', `${cells[0]}.json`), 'utf8')).id).toBe(cells[0]);
    const second = join(runDir, 'cells', `${cells[1]}.json`);
    if (existsSync(second)) expect(JSON.parse(readFileSync(second, 'utf8')).id).toBe(cells[1]);
    expect(existsSync(join(runDir, 'DONE'))).toBe(false);

    const again = await experiment(toy);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`${cells[0]}: done earlier, skipped`));
    expect(again.stderr).toMatch(/\(resumed\)/);
    for (const f of ['DONE', 'metrics.csv', ...cells.map((c) => `cells/${c}.json`)]) expect(existsSync(join(runDir, f)), f).toBe(true);
    expect(files(root).filter((f) => f.endsWith('.tmp') || f.endsWith('.pfgm-lock'))).toEqual([]);
  }, 180_000);

  it('bad input: one error line, exit 1, nothing written', async () => {
    const cases: [string[], RegExp][] = [
      [['no-such-experiment'], /unknown experiment "no-such-experiment"; expected one of .*toy-table/],
      [['toy-table', '--preset', 'huge', '--list-cells'], /--preset.*'huge' is invalid\. expected paper \| cpu \| ci/],
      [['toy-table', '--override', '{"steps": ', '--list-cells'], /--override.*invalid\. expected a JSON object of preset fields/],
      [['toy-table', '--override', '[1, 2]', '--list-cells'], /--override.*invalid\. expected a JSON object/],
      [['toy-table', '--run-id', 'bad/id', '--out', join(root, 'bad')], /runId "bad\/id" is not a valid folder name/],
    ];
    const results = await Promise.all(cases.map(([args]) => experiment(args)));
    for (const [k, r] of results.entries()) {
      expect(r.code, r.stderr).toBe(1);
      expect(errorLine(r)).toMatch(cases[k][1]);
    }
    expect(existsSync(join(root, 'bad'))).toBe(false);
    // A misspelt --override field is named, not ignored silently.
    const typo = await experiment(['toy-table', '--preset', 'ci', '--override', '{"stepz": 3}', '--list-cells']);
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stderr).toMatch(/warning: --override field\(s\) "stepz" are in none of toy-table's presets \(fields: .*steps.*\); check the spelling/);
  }, 120_000);

  it('a finished run without --overwrite is refused in one line; a relative --out is taken from npm\'s INIT_CWD', async () => {
    // Needs the run the first case finished; runs after it (vitest runs a file's cases in order).
    expect(existsSync(join(runDir, 'DONE'))).toBe(true);
    const experimentsDir = join(repo, 'experiments');
    const viaNpm = { INIT_CWD: root, npm_lifecycle_script: 'tsx --conditions=@pfgm/source src/main.ts toy-table' };
    const r = await experiment([...toy.map((a) => (a === out ? 'results' : a))], { cwd: experimentsDir, env: viaNpm });
    expect(r.code, r.stderr).toBe(1);
    expect(errorLine(r)).toBe(`error: run ${runDir} is finished; pass --overwrite to replace it, --rerender to redraw its report, or leave --run-id out for a new run`);
    expect(existsSync(join(experimentsDir, 'results'))).toBe(false);
  }, 120_000);
});
