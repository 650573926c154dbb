import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

/** Name of the lock file inside a locked folder. */
export const LOCK_FILE = '.pfgm-lock';

/** What a lock file holds (JSON). */
export interface LockInfo {
  pid: number;
  host: string;
  /** ISO 8601 time the lock was taken. */
  since: string;
  /** Who holds it, e.g. "pfgm train". */
  what: string;
  /** Random id of this holding (tells a reused pid from the holder). */
  token: string;
}

/** A held lock. */
export interface RunLock {
  dir: string;
  info: LockInfo;
  /** Removes the lock file (if still ours); removes the folder too when this lock created it and it is still empty. */
  release(): void;
}

/** Raised when another live process holds the folder. */
export class FolderInUseError extends Error {
  constructor(readonly dir: string, readonly holder: LockInfo) {
    super(
      `${dir} is in use by pid ${holder.pid} on ${holder.host} since ${holder.since} (${holder.what}); ` +
        `wait for it to finish or stop it; if that process is gone, delete ${join(dir, LOCK_FILE)}`,
    );
    this.name = 'FolderInUseError';
  }
}

/** Options of {@link acquireLock}. */
export interface LockOptions {
  /** Wait up to this many ms for a live holder to let go (polling). Default 0: fail at once. */
  waitMs?: number;
  /** Poll interval while waiting. Default 2000 ms. */
  pollMs?: number;
  /** Told once when waiting starts. */
  onWait?: (holder: LockInfo) => void;
}

const held = new Map<string, LockInfo>(); // locks of this process by lock-file path

/** True when `pid` is a live process on this host (EPERM: alive but someone else's). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder named by a lock file, or undefined when it is absent or unreadable (a torn write). */
export function readLock(dir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockInfo;
    return Number.isInteger(info?.pid) && typeof info.host === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A lock is stale when its holder is gone: a dead pid on this host, a pid of this process that this process does not
 * hold (a previous life of a reused pid), or an unreadable file older than 10 s. Locks of other hosts never are.
 */
function isStale(path: string, info: LockInfo | undefined): boolean {
  if (info === undefined) return Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 10_000;
  if (info.host !== hostname()) return false;
  if (info.pid === process.pid) return held.get(path)?.token !== info.token;
  return !pidAlive(info.pid);
}

function tryCreate(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'ENOENT') throw e;
    mkdirSync(dirname(path), { recursive: true }); // the previous holder removed the folder it had created
    return tryCreate(path, info);
  }
  try {
    writeSync(fd, JSON.stringify(info) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Replaces a stale lock under a short take-over guard, so two processes cannot both take it over. */
function takeOverStale(dir: string, path: string, info: LockInfo): boolean {
  const guard = join(dir, `${LOCK_FILE}.takeover`);
  const guardAge = Date.now() - (statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
  if (guardAge > 30_000) unlinkSync(guard); // a taker that died mid-way
  if (!tryCreate(guard, info)) return false;
  try {
    if (!isStale(path, readLock(dir))) return false;
    rmSync(path, { force: true });
    return tryCreate(path, info);
  } finally {
    unlinkSync(guard);
  }
}

/**
 * Takes the exclusive lock of folder `dir` (created if absent): a lock file with pid, host and start time. A stale
 * lock (its process died on this host) is taken over; a live one raises {@link FolderInUseError} naming the holder,
 * or is waited for up to `waitMs`. The lock is also dropped when the process exits normally.
 */
export async function acquireLock(dir: string, what: string, opts: LockOptions = {}): Promise<RunLock> {
  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString(), what, token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let told = false;
  for (;;) {
    if (tryCreate(path, info) || (isStale(path, readLock(dir)) && takeOverStale(dir, path, info))) break;
    const holder = readLock(dir);
    if (holder === undefined) continue; // it vanished or is being written: try again
    if (Date.now() >= deadline) throw new FolderInUseError(dir, holder);
    if (!told) opts.onWait?.(holder);
    told = true;
    await new Promise((r) => setTimeout(r, Math.min(opts.pollMs ?? 2000, Math.max(deadline - Date.now(), 1))));
  }
  held.set(path, info);
  const onExit = () => release();
  process.once('exit', onExit);
  function release(): void {
    process.off('exit', onExit);
    if (held.get(path)?.token !== info.token) return;
    held.delete(path);
    if (readLock(dir)?.token === info.token) unlinkSync(path);
    try {
      if (created && existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
    } catch {
      // another process took the folder meanwhile: it stays
    }
  }
  return { dir, info, release };
}
