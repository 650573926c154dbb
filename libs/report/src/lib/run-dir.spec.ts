import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunDir, isRunFinished, markRunDone, newRunId } from './run-dir.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'pfgm-report-run-'));

describe('createRunDir', () => {
  it('creates <root>/<experiment>/<new id>/, a different id each time', () => {
    const root = tmp();
    const a = createRunDir(root, 'toy-table');
    const b = createRunDir(root, 'toy-table');
    expect(a.dir).toBe(join(root, 'toy-table', a.runId));
    expect(existsSync(a.dir) && existsSync(b.dir)).toBe(true);
    expect(a.runId).not.toBe(b.runId);
    expect(a.runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    expect(a.resumed).toBe(false);
    expect(readdirSync(join(root, 'toy-table')).sort()).toEqual([a.runId, b.runId].sort());
  });

  it('names new ids by UTC start time', () => {
    expect(newRunId(new Date('2026-11-25T20:48:34.123Z'))).toMatch(/^20261125T204834Z-[0-9a-f]{4}$/);
  });

  it('continues an unfinished run with a given id', () => {
    const root = tmp();
    const first = createRunDir(root, 'd-sweep', { runId: 'r1' });
    writeFileSync(join(first.dir, 'cell-0.json'), '{}');
    const again = createRunDir(root, 'd-sweep', { runId: 'r1' });
    expect(again.resumed).toBe(true);
    expect(existsSync(join(again.dir, 'cell-0.json'))).toBe(true);
  });

  it.each(['DONE', 'metrics.csv'])('refuses to overwrite a finished run (%s) with a clear error', (marker) => {
    const root = tmp();
    const run = createRunDir(root, 'euler-sweep', { runId: 'r1' });
    if (marker === 'DONE') markRunDone(run.dir);
    else writeFileSync(join(run.dir, 'metrics.csv'), 'a\n1\n');
    expect(isRunFinished(run.dir)).toBe(true);
    expect(() => createRunDir(root, 'euler-sweep', { runId: 'r1' })).toThrow(/is finished.*overwrite: true/);
    expect(existsSync(join(run.dir, marker))).toBe(true);
  });

  it('overwrites a finished run when asked, clearing its folder', () => {
    const root = tmp();
    const run = createRunDir(root, 'euler-sweep', { runId: 'r1' });
    for (const f of ['config.json', 'provenance.json']) writeFileSync(join(run.dir, f), '{}');
    writeFileSync(join(run.dir, 'metrics.csv'), 'a\n1\n');
    markRunDone(run.dir);
    const again = createRunDir(root, 'euler-sweep', { runId: 'r1', overwrite: true });
    expect(again.dir).toBe(run.dir);
    expect(again.resumed).toBe(false);
    expect(readdirSync(again.dir)).toEqual([]);
  });

  it('refuses to overwrite a folder that is not a run (no config.json + provenance.json), deleting nothing', () => {
    const root = tmp();
    const dir = join(root, 'euler-sweep', 'r1');
    mkdirSync(join(dir, 'chapter'), { recursive: true });
    writeFileSync(join(dir, 'thesis.tex'), 'x');
    writeFileSync(join(dir, 'metrics.csv'), 'a\n1\n');
    expect(() => createRunDir(root, 'euler-sweep', { runId: 'r1', overwrite: true })).toThrow(/is not a pfgm run folder \(it holds .*thesis\.tex.*\)/);
    expect(readdirSync(dir).sort()).toEqual(['chapter', 'metrics.csv', 'thesis.tex']);
  });

  it.each([['experiment', '../evil', undefined], ['runId', 'ok', 'a/b'], ['runId', 'ok', '..']])(
    'rejects a bad %s',
    (what, experiment, runId) => {
      expect(() => createRunDir(tmp(), experiment as string, { runId })).toThrow(new RegExp(`${what} .* not a valid folder name`));
    },
  );
});
