import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';

// JSON has no Infinity/NaN (JSON.stringify writes null), but configs hold D = ∞. They are written as the strings
// "Infinity", "-Infinity", "NaN" and turned back into numbers by `readJson`.
const NON_FINITE: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

/** JSON.stringify replacer that keeps non-finite numbers as strings. */
export function nonFiniteReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Pretty JSON text where ±Infinity/NaN survive as strings (see {@link readJson}). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, nonFiniteReplacer, 2) + '\n';
}

/** Writes `value` as pretty JSON, atomically (temp + rename), keeping ±Infinity/NaN as strings. */
export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, toJson(value));
}

/** Reads JSON written by {@link writeJson}; the strings "Infinity", "-Infinity", "NaN" come back as numbers. */
export function readJson<T = unknown>(path: string): T {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value)) as T;
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${(e as Error).message}); restore it from the run's copy or rerun the command that wrote it`);
  }
}
