import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearRunFolder, folderState, removeStaleTempFiles } from './run-dir.js';
import { acquireLock, FolderInUseError, LOCK_FILE, readLock } from './run-lock.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'pfgm-lock-'));

/** A pid that surely belongs to no live process: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid as number;
}

describe('acquireLock', () => {
  it('writes pid, host and start time, and refuses a second holder naming the first', async () => {
    const dir = join(tmp(), 'run');
    const lock = await acquireLock(dir, 'pfgm train');
    const info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, host: hostname(), what: 'pfgm train' });
    expect(Date.parse(info.since)).toBeGreaterThan(Date.now() - 60_000);
    const second = acquireLock(dir, 'pfgm train');
    await expect(second).rejects.toThrow(FolderInUseError);
    await expect(acquireLock(dir, 'x')).rejects.toThrow(new RegExp(`in use by pid ${process.pid} on .* since ${info.since.replace(/\./g, '\\.')} \\(pfgm train\\)`));
    lock.release();
    expect(existsSync(dir)).toBe(false); // it created the folder and nothing else was written
  });

  it('takes over a stale lock left by a dead process on this host', async () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), since: '2020-01-01T00:00:00.000Z', what: 'pfgm train', token: 'old' }));
    const lock = await acquireLock(dir, 'pfgm train');
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(existsSync(dir)).toBe(true); // not created by the lock: kept
  });

  it('never takes over a lock of another host', async () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: `not-${hostname()}`, since: '2020-01-01T00:00:00.000Z', what: 'pfgm train', token: 't' }));
    await expect(acquireLock(dir, 'y')).rejects.toThrow(/in use by pid \d+ on not-/);
  });

  it('waits for a live holder when asked', async () => {
    const dir = tmp();
    const first = await acquireLock(dir, 'a');
    let told = false;
    setTimeout(() => first.release(), 150);
    const second = await acquireLock(dir, 'b', { waitMs: 30_000, pollMs: 20, onWait: () => (told = true) });
    expect(told).toBe(true);
    expect(readLock(dir)?.what).toBe('b');
    second.release();
  });
});

describe('run folders', () => {
  it('tells runs (config.json + provenance.json) from foreign folders, ignoring lock and temp files', () => {
    const dir = tmp();
    expect(folderState(join(dir, 'nope')).kind).toBe('absent');
    writeFileSync(join(dir, LOCK_FILE), '{}');
    writeFileSync(join(dir, '.checkpoint.safetensors.123.abcd1234.tmp'), 'x');
    expect(folderState(dir).kind).toBe('empty');
    writeFileSync(join(dir, 'config.json'), '{}');
    expect(folderState(dir)).toMatchObject({ kind: 'foreign' });
    writeFileSync(join(dir, 'provenance.json'), '{}');
    expect(folderState(dir)).toMatchObject({ kind: 'run', finished: false });
  });

  it('clearRunFolder removes only owned entries and temp files, keeps the lock and foreign files, and refuses non-runs', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'samples'));
    for (const f of ['config.json', 'provenance.json', 'DONE', 'notes.txt', LOCK_FILE, '.config.json.77.ff00.tmp']) writeFileSync(join(dir, f), 'x');
    const r = clearRunFolder(dir, (e) => e !== 'notes.txt');
    expect(r.kept).toEqual(['notes.txt']);
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, 'notes.txt'].sort());
    const foreign = tmp();
    writeFileSync(join(foreign, 'thesis.tex'), 'x');
    expect(() => clearRunFolder(foreign)).toThrow(/not a pfgm run folder/);
    expect(readdirSync(foreign)).toEqual(['thesis.tex']);
  });

  it('removeStaleTempFiles removes .<name>.<pid>.<hex>.tmp only', () => {
    const dir = tmp();
    for (const f of ['.checkpoint.safetensors.123.abcd1234.tmp', 'data.tmp', 'config.json']) writeFileSync(join(dir, f), 'x');
    expect(removeStaleTempFiles(dir)).toEqual(['.checkpoint.safetensors.123.abcd1234.tmp']);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'data.tmp']);
  });
});
