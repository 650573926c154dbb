import { describe, expect, it } from 'vitest';
import { markdownTable } from './markdown-table.js';

describe('markdownTable', () => {
  it('rounds numbers, shows ∞, right-aligns numeric columns and escapes pipes', () => {
    const md = markdownTable(
      [{ method: 'PFGM++ | D', D: 128, fid: 2.345678 }, { method: 'EDM', D: Infinity, fid: 1.98 }],
      undefined,
      { precision: 3, headers: { fid: 'FID ↓' } },
    );
    expect(md).toBe('| method | D | FID ↓ |\n| --- | ---: | ---: |\n| PFGM++ \\| D | 128 | 2.35 |\n| EDM | ∞ | 1.98 |\n');
  });
});
