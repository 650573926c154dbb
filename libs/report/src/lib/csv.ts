import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from './atomic-write.js';
import { nonFiniteReplacer } from './json.js';

/** One table row: column name → cell. `null`/`undefined` become empty cells. */
export type CsvRow = Readonly<Record<string, unknown>>;

/** Column order: the given list, else every key in order of first appearance over the rows (stable). */
export function csvColumns(rows: readonly CsvRow[], columns?: readonly string[]): string[] {
  if (columns) {
    const known = new Set(columns);
    rows.forEach((row, i) => {
      const extra = Object.keys(row).filter((k) => !known.has(k));
      if (extra.length > 0)
        throw new Error(
          `writeCsv: row ${i} has key(s) ${extra.map((k) => JSON.stringify(k)).join(', ')} that are not in columns ` +
            `[${columns.join(', ')}]; add them to columns or leave columns out to use every key`,
        );
    });
    return [...columns];
  }
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * CSV text with a header line. Numbers are written with `String(x)`: the shortest text that parses back to the
 * same float64 (no locale, no rounding; ±Infinity and NaN as words); booleans as true/false; dates as ISO 8601;
 * objects as JSON. Fields holding commas, quotes or newlines are quoted (RFC 4180).
 */
export function toCsv(rows: readonly CsvRow[], columns?: readonly string[]): string {
  const cols = csvColumns(rows, columns);
  if (cols.length === 0) throw new Error('writeCsv: no columns (empty rows and no columns given); pass columns');
  // Rows go in as arrays in column order: csv-stringify would read a column key like "fid.mean" as a nested path.
  const table: unknown[][] = [cols, ...rows.map((row) => cols.map((c) => row[c]))];
  return stringify(table, {
    cast: {
      number: (x) => String(x),
      boolean: (b) => (b ? 'true' : 'false'),
      date: (d) => d.toISOString(),
      bigint: (b) => String(b),
      object: (o) => JSON.stringify(o, nonFiniteReplacer),
    },
  });
}

/** Writes rows as a CSV table (see {@link toCsv}) to `path`, atomically (temp file + rename). */
export function writeCsv(path: string, rows: readonly CsvRow[], columns?: readonly string[]): void {
  writeFileAtomic(path, toCsv(rows, columns));
}
