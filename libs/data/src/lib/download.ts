import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { DataError } from './data-error.js';

/** What the downloaded bytes must be; every given field is checked before the file gets its final name. */
export interface ExpectedBytes {
  /** Exact size in bytes. */
  bytes?: number;
  /** Hex sha256 of the bytes as downloaded. */
  sha256?: string;
  /** Hex md5 of the bytes as downloaded (what CIFAR-10 publishes). */
  md5?: string;
}

/** Options for {@link download}. */
export interface DownloadOptions {
  /** http(s) URL to fetch. */
  url: string;
  /** Final path; written only after every check passed (temp name in the same folder, then an atomic rename). */
  dest: string;
  /** Size and checksums the bytes must have. */
  expected?: ExpectedBytes;
  /** Extra check on the complete temp file (e.g. checksum of decompressed content); throw to reject it. */
  verify?: (tempPath: string) => Promise<void>;
  /** Abort when no byte arrives for this long, in ms. Default 60 000. */
  idleTimeoutMs?: number;
  /** Progress messages (start, size). */
  log?: (msg: string) => void;
}

/** Downloads `url` to `dest` atomically: stream to `dest.<random>.part`, verify size and checksums, rename. Any failure removes the temp file. */
export async function download(opts: DownloadOptions): Promise<string> {
  const { url, dest, expected = {}, verify, idleTimeoutMs = 60_000, log } = opts;
  await mkdir(dirname(dest), { recursive: true });
  await removeStaleParts(dest);
  const temp = join(dirname(dest), `.${basename(dest)}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
  const ctrl = new AbortController();
  let timer = setTimeout(() => ctrl.abort(), idleTimeoutMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctrl.abort(), idleTimeoutMs);
  };
  try {
    const res = await request(url, ctrl.signal);
    const declared = res.headers.get('content-length');
    const total = declared === null ? undefined : Number(declared);
    log?.(`downloading ${url}${total ? ` (${(total / 2 ** 20).toFixed(1)} MiB)` : ''} → ${dest}`);
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    let received = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        touch();
        received += chunk.length;
        sha256.update(chunk);
        md5.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as never), meter, createWriteStream(temp));
    } catch (err) {
      const how = total !== undefined ? `${received} of ${total} bytes` : `${received} bytes`;
      throw new DataError(`download of ${url} was interrupted after ${how} (${describe(err)})`, 'truncated', url, { cause: err });
    }
    if (total !== undefined && received !== total) {
      throw new DataError(`download of ${url} is truncated: received ${received} bytes, the server declared ${total}`, 'truncated', url);
    }
    checkExpected(url, received, sha256.digest('hex'), md5.digest('hex'), expected);
    await verify?.(temp);
    await rename(temp, dest);
    return dest;
  } finally {
    clearTimeout(timer);
    await rm(temp, { force: true });
  }
}

/** Deletes temp files of earlier downloads of `dest` whose process is gone (killed mid-transfer). */
async function removeStaleParts(dest: string): Promise<void> {
  const prefix = `.${basename(dest)}.`;
  for (const name of await readdir(dirname(dest))) {
    const m = name.startsWith(prefix) && name.endsWith('.part') ? /^(\d+)-/.exec(name.slice(prefix.length)) : null;
    if (m && !processAlive(Number(m[1]))) await rm(join(dirname(dest), name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** GET with redirects followed; network failures and HTTP errors become {@link DataError}s. */
async function request(url: string, signal: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    throw new DataError(`could not reach ${url} (${describe(err)})`, 'network', url, { cause: err });
  }
  if (!res.ok || res.body === null) {
    await res.body?.cancel();
    throw new DataError(`download of ${url} failed: HTTP ${res.status} ${res.statusText}`.trim(), 'http', url);
  }
  return res;
}

function checkExpected(url: string, bytes: number, sha256: string, md5: string, e: ExpectedBytes): void {
  if (e.bytes !== undefined && bytes !== e.bytes) {
    throw new DataError(`download of ${url} has the wrong size: expected ${e.bytes} bytes, found ${bytes}; the file was discarded`, 'checksum', url);
  }
  if (e.sha256 !== undefined && sha256 !== e.sha256.toLowerCase()) {
    throw new DataError(`checksum mismatch for ${url}: sha256 ${sha256}, expected ${e.sha256}; the file was discarded`, 'checksum', url);
  }
  if (e.md5 !== undefined && md5 !== e.md5.toLowerCase()) {
    throw new DataError(`checksum mismatch for ${url}: md5 ${md5}, expected ${e.md5}; the file was discarded`, 'checksum', url);
  }
}

/** A short cause for an error, including undici's nested `cause` (ECONNREFUSED, ENOTFOUND, …). */
function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'AbortError') return 'no data received before the idle timeout';
  const cause = e?.cause ? `: ${e.cause.code ?? e.cause.message}` : '';
  return `${e?.message ?? String(err)}${cause}`;
}
