import { csvColumns, type CsvRow } from './csv.js';

/** Options of {@link markdownTable}. */
export interface MarkdownTableOptions {
  /** Significant digits for non-integer numbers. Default 4 (FID 2.345, bits/dim 3.312). */
  precision?: number;
  /** Header text per column key (default: the key). */
  headers?: Readonly<Record<string, string>>;
}

function cell(v: unknown, precision: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (v === Infinity) return '∞';
    if (v === -Infinity) return '−∞';
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(precision)));
  }
  return String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table (for READMEs), numbers right-aligned and rounded to `precision` digits. */
export function markdownTable(rows: readonly CsvRow[], columns?: readonly string[], opts: MarkdownTableOptions = {}): string {
  const { precision = 4, headers = {} } = opts;
  const cols = csvColumns(rows, columns);
  if (cols.length === 0) throw new Error('markdownTable: no columns (empty rows and no columns given); pass columns');
  const numeric = cols.map((c) => rows.some((r) => typeof r[c] === 'number') && rows.every((r) => r[c] == null || typeof r[c] === 'number'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(cols.map((c) => cell(headers[c] ?? c, precision))),
    line(numeric.map((n) => (n ? '---:' : '---'))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c], precision)))),
  ].join('\n') + '\n';
}
