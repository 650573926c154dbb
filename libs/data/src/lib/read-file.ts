import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataError } from './data-error.js';

const gunzipAsync = promisify(gunzip);

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Decompresses gzip bytes; a corrupt or truncated stream becomes a {@link DataError} naming the file. */
export async function gunzipBytes(buf: Uint8Array, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await gunzipAsync(buf));
  } catch (err) {
    throw new DataError(`${file}: corrupt or truncated gzip data (${(err as Error).message})`, 'corrupt', file, { cause: err });
  }
}

/** Reads a file, decompressing it when it is gzip (by content, not by name). */
export async function readMaybeGzip(file: string): Promise<Uint8Array> {
  const buf = new Uint8Array(await readFile(file));
  return isGzip(buf) ? gunzipBytes(buf, file) : buf;
}
