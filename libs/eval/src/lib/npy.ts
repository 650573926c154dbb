/**
 * numpy `.npy` arrays (format versions 1.0–3.0, fid-spec §4.1): magic `\x93NUMPY`, version, header length
 * (u16 LE for 1.0, u32 LE for 2.x/3.x), an ASCII dict `{'descr', 'fortran_order', 'shape'}` padded to a multiple of
 * 64 bytes with spaces and `\n`, then the raw data.
 */

/** Element arrays this module reads/writes; int64 is read into float64 (exact below 2^53). */
export type NpyData = Float64Array | Float32Array | Int32Array | Uint8Array;

/** A decoded array, C order (row-major). */
export interface NpyArray {
  /** numpy dtype string as written, e.g. `<f8`. */
  descr: string;
  shape: number[];
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface DtypeInfo { size: number; make: (n: number) => NpyData; get: (v: DataView, o: number, le: boolean) => number }
const DTYPES: Record<string, DtypeInfo> = {
  f8: { size: 8, make: (n) => new Float64Array(n), get: (v, o, le) => v.getFloat64(o, le) },
  f4: { size: 4, make: (n) => new Float32Array(n), get: (v, o, le) => v.getFloat32(o, le) },
  i8: { size: 8, make: (n) => new Float64Array(n), get: (v, o, le) => Number(v.getBigInt64(o, le)) },
  i4: { size: 4, make: (n) => new Int32Array(n), get: (v, o, le) => v.getInt32(o, le) },
  u1: { size: 1, make: (n) => new Uint8Array(n), get: (v, o) => v.getUint8(o) },
};

function parseHeader(text: string, where: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new Error(`${where}: malformed .npy header ${JSON.stringify(text.trim())}; expected a dict with 'descr', 'fortran_order', 'shape'`);
  }
  const dims = shape.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  return { descr, fortran: fortran === 'True', shape: dims };
}

/** Transposes Fortran-ordered data of `shape` into C order. */
function fortranToC(src: NpyData, shape: number[]): NpyData {
  const out = src.slice() as NpyData;
  const n = shape.length;
  const idx = new Array<number>(n).fill(0);
  for (let c = 0; c < src.length; c++) {
    let f = 0;
    for (let d = 0, stride = 1; d < n; d++) {
      f += idx[d] * stride;
      stride *= shape[d];
    }
    out[c] = src[f];
    for (let d = n - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Parses one `.npy` file. `where` names it in error messages. */
export function readNpy(bytes: Uint8Array, where = '.npy'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error(`${where}: not a .npy array (missing the \\x93NUMPY magic); expected a file written by numpy.save`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (major < 1 || major > 3) throw new Error(`${where}: unsupported .npy format version ${major}.${bytes[7]} (1.0–3.0 supported)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const { descr, fortran, shape } = parseHeader(header, where);
  const m = /^([<>|=])([fiu])(\d+)$/.exec(descr);
  const info = m ? DTYPES[`${m[2]}${m[3]}`] : undefined;
  if (!m || !info) throw new Error(`${where}: unsupported dtype '${descr}'; supported: float64, float32, int64, int32, uint8`);
  const le = m[1] !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (bytes.length < offset + count * info.size) {
    throw new Error(`${where}: truncated .npy: shape (${shape.join(', ')}) of '${descr}' needs ${count * info.size} data bytes, file has ${bytes.length - offset}`);
  }
  let data = info.make(count);
  for (let i = 0; i < count; i++) data[i] = info.get(view, offset + i * info.size, le);
  if (fortran && shape.length > 1) data = fortranToC(data, shape);
  return { descr, shape, data };
}

function descrOf(data: NpyData): string {
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Int32Array) return '<i4';
  return '|u1';
}

/** Serialises a C-order array as `.npy` format 1.0 (little-endian), byte-identical in layout to `numpy.save`. */
export function writeNpy(data: NpyData, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`writeNpy: shape (${shape.join(', ')}) has ${count} elements but data has ${data.length}`);
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  // typed arrays are little-endian on every platform Node/TF.js run on
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
