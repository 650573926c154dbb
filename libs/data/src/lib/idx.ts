import { DataError } from './data-error.js';

/** A parsed IDX array of unsigned bytes (LeCun's MNIST format: magic 0x0000 08 ndims, big-endian uint32 dims, data). */
export interface IdxArray {
  /** Dimensions, e.g. [60000, 28, 28] for images, [60000] for labels. */
  dims: number[];
  /** The data bytes, row-major (a view into the input). */
  data: Uint8Array;
}

/** IDX type code of unsigned bytes, the only type MNIST-style datasets use. */
const UBYTE = 0x08;

/** Parses an IDX ubyte file; `file` names it in errors. Checks the magic number and that the size matches the header exactly. */
export function parseIdx(buf: Uint8Array, file: string): IdxArray {
  if (buf.length < 4) {
    throw new DataError(`${file}: truncated IDX file: ${buf.length} bytes, expected at least a 4-byte header`, 'corrupt', file);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0);
  const ndims = buf[3];
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== UBYTE || ndims < 1) {
    throw new DataError(
      `${file}: not an IDX ubyte file: magic number 0x${magic.toString(16).padStart(8, '0')}, ` +
        `expected 0x000008NN (0x00000801 labels, 0x00000803 images)`,
      'corrupt',
      file,
    );
  }
  const header = 4 + 4 * ndims;
  if (buf.length < header) {
    throw new DataError(`${file}: truncated IDX header: ${buf.length} bytes, expected ${header} for ${ndims} dimensions`, 'corrupt', file);
  }
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = header + dims.reduce((a, b) => a * b, 1);
  if (buf.length !== expected) {
    throw new DataError(
      `${file}: ${buf.length < expected ? 'truncated' : 'oversized'} IDX file: header declares dims [${dims.join(', ')}] ` +
        `→ expected ${expected} bytes, found ${buf.length}`,
      'corrupt',
      file,
    );
  }
  return { dims, data: buf.subarray(header) };
}

/** Encodes bytes as an IDX ubyte file with the given dims (for fixtures and tests). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`encodeIdx: dims [${dims.join(', ')}] hold ${count} bytes, data has ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (UBYTE << 8) | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
