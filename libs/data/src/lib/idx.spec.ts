import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { encodeIdx, parseIdx } from './idx.js';

describe('IDX (LeCun format)', () => {
  const data = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 256);

  it('round-trips images and labels exactly, with the big-endian header bytes of the spec', () => {
    const buf = encodeIdx([3, 4, 5], data);
    expect(Array.from(buf.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5]);
    const back = parseIdx(buf, 'x.idx');
    expect(back.dims).toEqual([3, 4, 5]);
    expect(back.data).toEqual(data);
    const labels = parseIdx(encodeIdx([300], new Uint8Array(300).fill(9)), 'l.idx');
    expect(labels.dims).toEqual([300]);
    expect(labels.data.every((v) => v === 9)).toBe(true);
  });

  it('truncated file: error names the file, expected and found size', () => {
    const buf = encodeIdx([3, 4, 5], data).subarray(0, 50);
    expect(() => parseIdx(buf, 'train-images-idx3-ubyte')).toThrow(
      /train-images-idx3-ubyte: truncated IDX file: header declares dims \[3, 4, 5\] → expected 76 bytes, found 50/,
    );
  });

  it('extra bytes are an error too (never a silently misaligned parse)', () => {
    const buf = new Uint8Array([...encodeIdx([3, 4, 5], data), 1, 2]);
    expect(() => parseIdx(buf, 'f')).toThrow(/oversized IDX file.*expected 76 bytes, found 78/);
  });

  it('wrong magic number (e.g. a PNG or a float IDX): error with the magic found and expected', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    expect(() => parseIdx(png, 'img.png')).toThrow(/img\.png: not an IDX ubyte file: magic number 0x89504e47, expected 0x000008NN/);
    const floats = encodeIdx([2], new Uint8Array(2));
    floats[2] = 0x0d;
    expect(() => parseIdx(floats, 'f.idx')).toThrow(/magic number 0x00000d01/);
    expect(() => parseIdx(new Uint8Array(2), 'tiny')).toThrow(DataError);
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0]), 'hdr')).toThrow(/truncated IDX header: 6 bytes, expected 16/);
  });
});
