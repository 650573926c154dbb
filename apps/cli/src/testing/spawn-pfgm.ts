import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** What a spawned `pfgm` run left: exit code or signal, and its output. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const bin = fileURLToPath(new URL('../../bin/pfgm.mjs', import.meta.url));

/** Spawns `pfgm --backend cpu <args>` in `cwd`; `onStderr` sees stderr as it grows (and may signal the child). */
export function spawnPfgm(cwd: string, args: string[], onStderr?: (text: string, pid: number) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '--backend', 'cpu', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, child.pid as number);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The one `error:` line of a failed command; asserts no stack trace and nothing internal in its output. */
export function errorLine(r: CliResult): string {
  const all = r.stdout + r.stderr;
  expect(all, 'a stack trace').not.toMatch(/\n\s+at /);
  expect(all).not.toMatch(/Cannot read properties|undefined is not|TypeError|ReferenceError/);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0];
}
