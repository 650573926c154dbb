import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsv, writeCsv } from './csv.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'pfgm-report-csv-'));

describe('writeCsv', () => {
  it('round-trips numbers at full float64 precision, in a stable column order', () => {
    const values = [0.1 + 0.2, Math.PI, 1 / 3, 1e-300, 5e-324, 1.7976931348623157e308, -0, 123456789.12345679, 2 ** 53 + 2];
    const rows = values.map((v, i) => ({ i, v, D: i % 2 ? Infinity : 128 }));
    const path = join(tmp(), 'sub', 'metrics.csv');
    writeCsv(path, rows);
    const parsed = parse(readFileSync(path, 'utf8'), { columns: false }) as string[][];
    expect(parsed[0]).toEqual(['i', 'v', 'D']);
    parsed.slice(1).forEach((cells, i) => {
      expect(Number(cells[1])).toBe(values[i] === 0 ? 0 : values[i]); // -0 is written "0"
      expect(Number(cells[2])).toBe(i % 2 ? Infinity : 128);
    });
    expect(parsed[2][1]).toBe('3.141592653589793');
  });

  it('does not use the locale or exponent rounding', () => {
    const text = toCsv([{ big: 1234567.5, small: 1e-7 }]);
    expect(text).toBe('big,small\n1234567.5,1e-7\n');
  });

  it('quotes commas, quotes and newlines and parses back to the same strings', () => {
    const rows = [
      { name: 'PFGM++, D=128', note: 'said "hi"', multi: 'a\nb', plain: 'x' },
      { name: 'EDM', note: '', multi: null, plain: undefined },
    ];
    const text = toCsv(rows);
    expect(text.split('\n')[1]).toBe('"PFGM++, D=128","said ""hi""","a');
    const back = parse(text, { columns: true }) as Record<string, string>[];
    expect(back).toEqual([
      { name: 'PFGM++, D=128', note: 'said "hi"', multi: 'a\nb', plain: 'x' },
      { name: 'EDM', note: '', multi: '', plain: '' },
    ]);
  });

  it('keeps the given column order, keys with dots, and fills missing cells', () => {
    const text = toCsv([{ b: 1, 'fid.mean': 2 }, { a: true, b: false }], ['a', 'b', 'fid.mean']);
    expect(text).toBe('a,b,fid.mean\n,1,2\ntrue,false,\n');
  });

  it('uses first-appearance key order when no columns are given', () => {
    expect(toCsv([{ x: 1 }, { y: 2, x: 3 }, { z: 4 }]).split('\n')[0]).toBe('x,y,z');
  });

  it('rejects a row key missing from the given columns, with the key named', () => {
    expect(() => toCsv([{ a: 1, fid: 2 }], ['a'])).toThrow(/"fid".*not in columns/);
  });

  it('writes atomically: no temp file is left behind, the file is replaced whole', () => {
    const dir = tmp();
    const path = join(dir, 't.csv');
    writeCsv(path, [{ a: 1 }, { a: 2 }]);
    writeCsv(path, [{ a: 3 }]);
    expect(readFileSync(path, 'utf8')).toBe('a\n3\n');
    expect(readdirSync(dir)).toEqual(['t.csv']);
  });
});
