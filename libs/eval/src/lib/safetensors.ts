/**
 * Minimal safetensors (float32 only): u64-LE header length, JSON `{name: {dtype, shape, data_offsets}}`
 * (+ `__metadata__`), raw little-endian data. The converted Inception weights live in the cache in this format.
 */
import type { StateDict } from './state-dict.js';

/** Serialises `sd` (insertion order) with string `metadata`. */
export function writeSafetensors(sd: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of sd) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // keeps the data 8-byte aligned
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const t of sd.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

/** Parses a float32 safetensors file. */
export function readSafetensors(bytes: Uint8Array, where = '.safetensors'): { tensors: StateDict; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error(`${where}: truncated safetensors file (${bytes.length} bytes)`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.length) throw new Error(`${where}: truncated safetensors file (header of ${n} bytes, file ${bytes.length})`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`${where}: corrupt safetensors header (${(e as Error).message}); delete the file to rebuild it`);
  }
  const { __metadata__: meta, ...entries } = header as Record<string, never>;
  const tensors: StateDict = new Map();
  const data = bytes.subarray(8 + n);
  for (const [name, e] of Object.entries(entries) as Array<[string, { dtype: string; shape: number[]; data_offsets: [number, number] }]>) {
    if (e.dtype !== 'F32') throw new Error(`${where}: tensor '${name}' has dtype ${e.dtype}; only F32 is supported`);
    const [b, end] = e.data_offsets;
    if (end > data.length) throw new Error(`${where}: truncated safetensors file: tensor '${name}' ends at ${end}, data has ${data.length} bytes`);
    tensors.set(name, { shape: e.shape, data: new Float32Array(data.slice(b, end).buffer) });
  }
  return { tensors, metadata: (meta ?? {}) as Record<string, string> };
}
