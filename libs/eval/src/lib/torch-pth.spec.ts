import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTorchCheckpoint } from './torch-pth.js';

const fixtures = new URL('../../fixtures/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('tiny.json', fixtures), 'utf8')) as Record<string, { shape: number[]; values: number[] }>;
const read = (f: string) => new Uint8Array(readFileSync(new URL(f, fixtures)));

describe('readTorchCheckpoint', () => {
  it.each([
    ['tiny-zip.pth', 'zip'],
    ['tiny-legacy.pth', 'legacy'],
  ])('reads %s (%s layout): strides, storage offsets, float64, skips int64', (file, layout) => {
    const ck = readTorchCheckpoint(read(file), file);
    expect(ck.layout).toBe(layout);
    expect([...ck.tensors.keys()]).toEqual(['a.conv.weight', 'b.transposed', 'c.slice', 'd.double']);
    expect(ck.skipped).toEqual(['bn.num_batches_tracked']);
    for (const [name, t] of ck.tensors) {
      expect(t.shape, name).toEqual(ref[name].shape);
      expect(Array.from(t.data), name).toEqual(ref[name].values.map(Math.fround));
    }
  });

  it('gives clear errors for truncated and foreign files', () => {
    const zip = read('tiny-zip.pth');
    expect(() => readTorchCheckpoint(zip.subarray(0, zip.length - 200), 'z.pth')).toThrow(/z\.pth: corrupt or truncated PyTorch zip checkpoint/);
    const legacy = read('tiny-legacy.pth');
    expect(() => readTorchCheckpoint(legacy.subarray(0, legacy.length - 10), 'l.pth')).toThrow(/l\.pth: truncated legacy checkpoint: storage '\d+' needs \d+ bytes/);
    expect(() => readTorchCheckpoint(legacy.subarray(0, 300), 'l.pth')).toThrow(/l\.pth: cannot read the \w+ pickle of a legacy checkpoint/);
    expect(() => readTorchCheckpoint(new TextEncoder().encode('<html>404</html>'), 'h.pth')).toThrow(/h\.pth: not a PyTorch checkpoint/);
  });
});
