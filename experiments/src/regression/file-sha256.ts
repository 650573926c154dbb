import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Hex SHA-256 of a file's bytes. */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
