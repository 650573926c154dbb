// Issue 17: one writer per experiment run folder (the lock of @pfgm/report), and --overwrite never deletes a
// folder that is not a run.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '@pfgm/report';
import type { Experiment } from './experiment.js';
import { runExperiment } from './run-experiment.js';

/** A one-cell sweep whose cell waits until `release` is called. */
function blockingExperiment(): { exp: Experiment<{ n: number }, { id: string }>; started: Promise<void>; release: () => void } {
  let release = () => undefined as void;
  let started = () => undefined as void;
  const gate = new Promise<void>((r) => (release = r));
  const startedP = new Promise<void>((r) => (started = r));
  const exp: Experiment<{ n: number }, { id: string }> = {
    name: 'blocking',
    description: 'test double',
    defaultPreset: 'ci',
    presets: { paper: { n: 1 }, cpu: { n: 1 }, ci: { n: 1 } },
    cells: () => [{ id: 'only' }],
    runCell: async () => {
      started();
      await gate;
      return [{ v: 1 }];
    },
  };
  return { exp, started: startedP, release };
}

describe('runExperiment locks its run folder', () => {
  let root: string;
  const quiet = () => undefined;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'exp-lock-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a second writer on the same run id is refused, naming the holder; the lock goes with the first', async () => {
    const { exp, started, release } = blockingExperiment();
    const first = runExperiment(exp, { out: root, runId: 'r1', log: quiet });
    await started;
    const dir = join(root, 'blocking', 'r1');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    await expect(runExperiment(exp, { out: root, runId: 'r1', log: quiet })).rejects.toThrow(new RegExp(`in use by pid ${process.pid} .*experiment blocking`));
    await expect(runExperiment(exp, { out: root, runId: 'r1', log: quiet, overwrite: true })).rejects.toThrow(/in use by pid/);
    release();
    await first;
    expect(existsSync(join(dir, 'DONE'))).toBe(true);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('--overwrite refuses a folder that is not a run and deletes nothing', async () => {
    const dir = join(root, 'blocking', 'r2');
    mkdirSync(join(dir, 'chapter'), { recursive: true });
    writeFileSync(join(dir, 'thesis.tex'), 'x');
    writeFileSync(join(dir, 'DONE'), 'x');
    await expect(runExperiment(blockingExperiment().exp, { out: root, runId: 'r2', log: quiet, overwrite: true })).rejects.toThrow(/not a pfgm run folder/);
    expect(readdirSync(dir).sort()).toEqual(['DONE', 'chapter', 'thesis.tex']);
  });
});
