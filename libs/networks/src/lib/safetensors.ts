import * as tf from '@tensorflow/tfjs-core';
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';

// safetensors layout (huggingface/safetensors, "Format"): u64 little-endian header length n; n bytes of UTF-8 JSON
// {"<tensor name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {str: str}},
// padded with spaces to a multiple of 8; then the raw little-endian tensor bytes, offsets relative to the data start.

/** One named tensor (tfjs-core NamedTensor). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

const DTYPES = { float32: 'F32', int32: 'I32', bool: 'BOOL' } as const;
type StDtype = (typeof DTYPES)[keyof typeof DTYPES];
const BYTES: Record<StDtype, number> = { F32: 4, I32: 4, BOOL: 1 };

interface TensorEntry {
  dtype: StDtype;
  shape: number[];
  data_offsets: [number, number];
}

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('safetensors: this writer/reader supports little-endian hosts only');
}

function bytesOf(dtype: StDtype, values: ArrayLike<number> | Uint8Array): Uint8Array {
  switch (dtype) {
    case 'F32': {
      const a = values instanceof Float32Array ? values : Float32Array.from(values);
      return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    }
    case 'I32': {
      const a = values instanceof Int32Array ? values : Int32Array.from(values);
      return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    }
    case 'BOOL':
      return Uint8Array.from(values);
  }
}

/**
 * Writes tensors + string metadata as a safetensors file, atomically: a temp file in the same folder is written,
 * fsync'ed and renamed over `path` (then the folder is fsync'ed). On any error the temp file is removed and an
 * existing file at `path` is left untouched.
 */
export async function writeSafetensors(path: string, tensors: NamedTensor[], metadata: Record<string, string>): Promise<void> {
  assertLittleEndian();
  const header: Record<string, TensorEntry | Record<string, string>> = { __metadata__: metadata };
  let offset = 0;
  const dtypes: StDtype[] = [];
  for (const { name, tensor } of tensors) {
    if (name === '__metadata__' || name in header) throw new Error(`safetensors: duplicate or reserved tensor name "${name}"`);
    const dtype = DTYPES[tensor.dtype as keyof typeof DTYPES];
    if (dtype === undefined) throw new Error(`safetensors: tensor "${name}" has dtype ${tensor.dtype}; supported: float32, int32, bool`);
    const size = tensor.size * BYTES[dtype];
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + size] };
    dtypes.push(dtype);
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const lengthBytes = Buffer.alloc(8);
  lengthBytes.writeBigUInt64LE(BigInt(headerBytes.length));

  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fs.open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
  try {
    try {
      await fh.write(lengthBytes);
      await fh.write(headerBytes);
      for (let i = 0; i < tensors.length; i++) {
        await fh.write(bytesOf(dtypes[i], (await tensors[i].tensor.data()) as ArrayLike<number>));
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dirname(path));
}

async function fsyncDir(dir: string): Promise<void> {
  const dh = await fs.open(dir, constants.O_RDONLY);
  try {
    await dh.sync();
  } catch {
    // some file systems refuse fsync on directories; the rename itself is still atomic
  } finally {
    await dh.close();
  }
}

/** Result of reading a safetensors file: tensors in file order (caller owns and disposes them) and metadata. */
export interface SafetensorsContents {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

/** Reads a safetensors file; a short, corrupt or foreign file is a clear error naming the file. */
export async function readSafetensors(path: string): Promise<SafetensorsContents> {
  assertLittleEndian();
  const buf = await fs.readFile(path);
  const bad = (why: string): Error => new Error(`checkpoint ${path}: ${why}`);
  if (buf.length < 8) throw bad(`truncated: ${buf.length} bytes, a checkpoint has at least an 8-byte header length. Re-copy it or use an earlier checkpoint.`);
  const n = buf.readBigUInt64LE(0);
  if (n > BigInt(buf.length - 8)) {
    throw bad(`truncated: header says ${n} header bytes but only ${buf.length - 8} follow. Re-copy it or use an earlier checkpoint.`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + Number(n)).toString('utf8'));
  } catch (e) {
    throw bad(`header is not valid JSON (${(e as Error).message}); not a safetensors checkpoint or corrupted`);
  }
  const dataStart = 8 + Number(n);
  const dataLength = buf.length - dataStart;
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__') as [string, TensorEntry][];
  const end = entries.reduce((m, [, e]) => Math.max(m, e?.data_offsets?.[1] ?? 0), 0);
  if (end > dataLength) {
    throw bad(`truncated: tensors need ${end} data bytes but the file has ${dataLength}. Re-copy it or use an earlier checkpoint.`);
  }
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  const tensors: NamedTensor[] = [];
  for (const [name, e] of entries) {
    const [b0, b1] = e.data_offsets ?? [];
    const size = (e.shape ?? []).reduce((a, d) => a * d, 1);
    if (!(e.dtype in BYTES) || b1 - b0 !== size * BYTES[e.dtype]) {
      tensors.forEach((t) => t.tensor.dispose());
      throw bad(`tensor "${name}" entry ${JSON.stringify(e)} is inconsistent (dtype F32/I32/BOOL, bytes = size·itemsize)`);
    }
    const raw = buf.buffer.slice(buf.byteOffset + dataStart + b0, buf.byteOffset + dataStart + b1); // aligned copy
    const values = e.dtype === 'F32' ? new Float32Array(raw) : e.dtype === 'I32' ? new Int32Array(raw) : new Uint8Array(raw);
    const dtype = e.dtype === 'F32' ? 'float32' : e.dtype === 'I32' ? 'int32' : 'bool';
    tensors.push({ name, tensor: tf.tensor(values, e.shape, dtype) });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}
