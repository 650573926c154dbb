import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@pfgm/tensor';
import { describe, expect, it } from 'vitest';
import { gitState } from './git-state.js';
import { readJson } from './json.js';
import { finishRun, writeProvenance, type Provenance } from './provenance.js';
import { isRunFinished } from './run-dir.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'pfgm-report-prov-'));
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

/** A throwaway repository with one commit; the truth for commit and dirty flag. */
function scratchRepo(): { dir: string; commit: string } {
  const dir = tmp();
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'a.txt'), 'a');
  git(dir, 'add', 'a.txt');
  git(dir, 'commit', '-q', '-m', 'one');
  // The commit id read independently of `git rev-parse`: the branch ref file HEAD points at.
  const ref = readFileSync(join(dir, '.git', 'HEAD'), 'utf8').trim().replace(/^ref: /, '');
  return { dir, commit: readFileSync(join(dir, '.git', ref), 'utf8').trim() };
}

describe('gitState', () => {
  it('reads the commit and a clean / dirty flag', () => {
    const { dir, commit } = scratchRepo();
    expect(gitState(dir)).toEqual({ commit, dirty: false, dirtyPaths: [], dirtyCount: 0 });
    writeFileSync(join(dir, 'b.txt'), 'untracked');
    writeFileSync(join(dir, 'a.txt'), 'changed');
    const s = gitState(dir);
    expect(s.dirty).toBe(true);
    expect(s.dirtyPaths.sort()).toEqual([' M a.txt', '?? b.txt']);
  });

  it('writes null and says why outside a repository', () => {
    const s = gitState(tmp()); // os.tmpdir() is outside any repository
    expect(s.commit).toBeNull();
    expect(s.dirty).toBeNull();
    expect(s.error).toMatch(/rev-parse HEAD failed: .*not a git repository/i);
  });

  it('describes this repository (commit + dirty flag)', () => {
    const s = gitState();
    expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof s.dirty).toBe('boolean');
  });
});

describe('writeProvenance / finishRun', () => {
  it('writes config.json and provenance.json with real values, then end time and DONE', () => {
    const { dir: repo, commit } = scratchRepo();
    const dir = tmp();
    const startedAt = new Date(Date.now() - 1500);
    const config = { D: Infinity, steps: 35, solver: { kind: 'heun' } };
    writeProvenance(dir, { config, seed: { train: 0, sample: 7 }, threads: 2, startedAt, repoDir: repo, extra: { preset: 'ci' } });
    expect(readJson(join(dir, 'config.json'))).toEqual(config);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toContain('"D": "Infinity"');
    const p = readJson<Provenance>(join(dir, 'provenance.json'));
    expect(p.git.commit).toBe(commit);
    expect(p.git.dirty).toBe(false);
    expect(p.backend).toBe(tf.getBackend());
    expect(p.threads).toBe(2);
    expect(p.seed).toEqual({ train: 0, sample: 7 });
    expect(p.node).toBe(process.version);
    expect(p.startedAt).toBe(startedAt.toISOString());
    expect(p.endedAt).toBeNull();
    expect(p.extra).toEqual({ preset: 'ci' });
    expect(isRunFinished(dir)).toBe(false);

    const endedAt = new Date(startedAt.getTime() + 2500);
    const done = finishRun(dir, endedAt);
    expect(done.wallSeconds).toBe(2.5);
    expect(readJson<Provenance>(join(dir, 'provenance.json')).endedAt).toBe(endedAt.toISOString());
    expect(existsSync(join(dir, 'DONE'))).toBe(true);
  });

  it('a resumed run keeps every earlier piece: the step it started from, its commit, backend and start time', () => {
    const { dir: repo, commit: first } = scratchRepo();
    const dir = tmp();
    const config = { steps: 30 };
    writeProvenance(dir, { config, seed: 0, threads: 1, repoDir: repo, startedAt: new Date('2026-12-06T10:00:00Z') });
    expect(readJson<Provenance>(join(dir, 'provenance.json')).segments).toBeUndefined();
    writeFileSync(join(repo, 'a.txt'), 'b');
    git(repo, 'commit', '-q', '-am', 'two');
    const second = gitState(repo).commit;
    expect(second).not.toBe(first);
    writeProvenance(dir, { config, seed: 0, threads: 1, repoDir: repo, startedAt: new Date('2026-12-06T11:00:00Z'), resumedAt: 12 });
    writeProvenance(dir, { config, seed: 0, threads: 1, repoDir: repo, startedAt: new Date('2026-12-06T12:00:00Z'), resumedAt: 25 });
    const p = readJson<Provenance>(join(dir, 'provenance.json'));
    expect(p.resumedAt).toBe(25);
    expect(p.git.commit).toBe(second);
    expect(p.segments?.map((s) => [s.from, s.git.commit, s.startedAt])).toEqual([
      [0, first, '2026-12-06T10:00:00.000Z'],
      [12, second, '2026-12-06T11:00:00.000Z'],
    ]);
    // A fresh start (resumedAt 0 or absent) begins a new history.
    writeProvenance(dir, { config, seed: 0, threads: 1, repoDir: repo, resumedAt: 0 });
    expect(readJson<Provenance>(join(dir, 'provenance.json')).segments).toBeUndefined();
  });
});

describe('provenance records the kernels behind the backend', () => {
  it('after initBackend: what was requested, whether OpenBLAS kernels ran (here: not on cpu, and why), the kernel fixes', async () => {
    const previous = tf.getBackend();
    await initBackend('cpu', { log: () => undefined });
    const dir = tmp();
    const p = writeProvenance(dir, { config: {}, seed: 1, threads: 1 });
    expect(p.backend).toBe('cpu');
    expect(p.kernels).toMatchObject({ requested: 'cpu', native: null });
    expect(readJson<Provenance>(join(dir, 'provenance.json')).kernels).toEqual(p.kernels);
    // A backend set up without initBackend (another name than the one selected) records null, not a guess.
    expect(writeProvenance(tmp(), { config: {}, seed: 1, threads: 1, backend: 'webgl' }).kernels).toBeNull();
    await tf.setBackend(previous);
  });
});
