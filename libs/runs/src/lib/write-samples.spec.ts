import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSamplesNotThere, samplesFiles } from './write-samples.js';

const dir = mkdtempSync(join(tmpdir(), 'write-samples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('samplesFiles / checkSamplesNotThere (issue 17: no silent overwrite of --out)', () => {
  it('lists the .csv a plot of points writes next to it', () => {
    expect(samplesFiles('a/s.png', [2])).toEqual(['a/s.png', 'a/s.csv']);
    expect(samplesFiles('a/s.SVG', [2])).toEqual(['a/s.SVG', 'a/s.csv']);
    expect(samplesFiles('a/s.csv', [2])).toEqual(['a/s.csv']);
    expect(samplesFiles('a/s.png', [3, 8, 8])).toEqual(['a/s.png']);
    expect(samplesFiles('a/s.npz', [2])).toEqual(['a/s.npz']);
  });

  it('refuses an existing file (or its .csv) unless overwrite, and accepts new names', () => {
    const out = join(dir, 's.png');
    expect(() => checkSamplesNotThere(out, false, [2])).not.toThrow();
    writeFileSync(join(dir, 's.csv'), 'x');
    expect(() => checkSamplesNotThere(out, false)).not.toThrow(); // shape unknown yet: only --out itself
    expect(() => checkSamplesNotThere(out, false, [2])).toThrow(/s\.csv already exists \(a plot of points writes its values to .*s\.csv too\); expected a new file\. Pass --overwrite/);
    expect(() => checkSamplesNotThere(out, true, [2])).not.toThrow();
    writeFileSync(out, 'x');
    expect(() => checkSamplesNotThere(out, false)).toThrow(/^--out .*s\.png: .*s\.png already exists; expected a new file\. Pass --overwrite to replace it, or pick another --out$/);
  });
});
