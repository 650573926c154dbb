/**
 * Reader for PyTorch `torch.save` files, both layouts (fid-spec §6a):
 * zip (torch ≥ 1.6: `<root>/data.pkl` + raw `<root>/data/<key>`) and legacy (torch < 1.6: concatenated pickles,
 * then per storage an int64 element count and its raw bytes). Pickles are parsed with `pickleparser`, whose
 * `persistentResolver` receives torch's storage ids; zip with `fflate`. Read as data: only the names registered
 * below are resolved (tensor rebuilders, storage types, OrderedDict); nothing in the file is executed.
 * `readTorchCheckpoint` returns a flat state dict (eval's Inception weights); `readTorchObject` the whole pickled
 * object (nested dicts, lists, tuples, numbers) with {@link TorchTensor}s at the leaves, e.g. score_sde's
 * `{optimizer, model, ema: {shadow_params}, step}` checkpoints. Moved here from @pfgm/eval so that @pfgm/networks
 * (which may import only util libs) reads released checkpoints with the same code.
 */
import { unzipSync } from 'fflate';
import { BufferReader, NameRegistry, Parser } from 'pickleparser';
import type { HostTensor, StateDict } from './host-tensor.js';

/** Storage element types by torch storage class name. */
const STORAGE_DTYPES: Record<string, { dtype: string; size: number }> = {
  FloatStorage: { dtype: 'float32', size: 4 },
  DoubleStorage: { dtype: 'float64', size: 8 },
  HalfStorage: { dtype: 'float16', size: 2 },
  BFloat16Storage: { dtype: 'bfloat16', size: 2 },
  LongStorage: { dtype: 'int64', size: 8 },
  IntStorage: { dtype: 'int32', size: 4 },
  ShortStorage: { dtype: 'int16', size: 2 },
  CharStorage: { dtype: 'int8', size: 1 },
  ByteStorage: { dtype: 'uint8', size: 1 },
  BoolStorage: { dtype: 'bool', size: 1 },
};

/** One placeholder class per torch storage type, so the persistent id tells them apart. */
const STORAGE_CLASSES = new Map<unknown, string>(Object.keys(STORAGE_DTYPES).map((name) => [class {}, name]));

/** A storage referenced by a persistent id; `bytes` is filled in after the pickle is read (legacy) or from the zip. */
export interface StorageRef {
  key: string;
  dtype: string;
  size: number; // bytes per element
  numel: number;
  bytes?: Uint8Array;
  /** Legacy views: element offset into the root storage `key`. */
  viewOffset: number;
}

/** A tensor as described by `_rebuild_tensor_v2` (a view into a storage); {@link TorchTensor.toHost} copies it out. */
export class TorchTensor {
  /** @internal */
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}

  /** Element type of the storage: 'float32', 'float64', 'int64', … */
  get dtype(): string {
    return this.storage.dtype;
  }

  /** The values as a C-order float32 tensor (float32/float64 storages), or undefined for other dtypes. */
  toHost(name: string, where = '.pth'): HostTensor | undefined {
    return materialise(name, this, where);
  }
}

/**
 * An object pickled through EDM's `torch_utils.persistence` (`_reconstruct_persistent_obj(meta)`): its class name
 * and `__dict__` (`_parameters`, `_buffers`, `_modules`, `_init_kwargs`, …). The pickled module source is kept as
 * text and never run.
 */
export class PersistentObject {
  constructor(
    readonly className: string,
    readonly state: Map<string, unknown>,
    readonly moduleSource: string,
  ) {}
}

/** Result of {@link readTorchCheckpoint}: float tensors, plus names of non-float entries (e.g. `num_batches_tracked`). */
export interface TorchCheckpoint {
  layout: 'zip' | 'legacy';
  tensors: StateDict;
  skipped: string[];
}

function makeParser(storages: Map<string, StorageRef>, where: string): Parser {
  const names = new NameRegistry();
  // EDM / PFGM++ pickles: persistent classes (data only), and storages of plain-pickled tensors (a legacy torch.save)
  names.register('torch_utils.persistence', '_reconstruct_persistent_obj', (meta: unknown) => {
    const m = meta instanceof Map ? meta : new Map(Object.entries(meta as object));
    const state = m.get('state');
    return new PersistentObject(String(m.get('class_name')), state instanceof Map ? state : new Map(Object.entries((state ?? {}) as object)), String(m.get('module_src') ?? ''));
  });
  names.register('torch.storage', '_load_from_bytes', (b: Uint8Array) => {
    const storage = readTorchObject(b, `${where} (embedded storage)`).root;
    if (!isStorage(storage)) throw new Error(`${where}: an embedded torch storage holds no storage`);
    return storage;
  });
  for (const [cls, name] of STORAGE_CLASSES) names.register('torch', name, cls as new () => object);
  const rebuild = (storage: StorageRef, offset: number, shape: number[], stride: number[]) => new TorchTensor(storage, offset, shape, stride);
  names.register('torch._utils', '_rebuild_tensor_v2', rebuild);
  names.register('torch._utils', '_rebuild_tensor', rebuild);
  names.register('torch._utils', '_rebuild_parameter', (t: TorchTensor) => t);
  names.register('collections', 'OrderedDict', () => new Map());
  // torch pickles storage classes as GLOBAL 'torch FloatStorage'; pickleparser hands us the registered class
  const storageName = (cls: unknown): string => {
    const name = STORAGE_CLASSES.get(cls);
    if (!name) throw new Error(`${where}: unsupported storage type ${String(cls)}`);
    return name;
  };
  return new Parser({
    unpicklingTypeOfDictionary: 'Map',
    nameResolver: names,
    persistentResolver: {
      // zip: ('storage', cls, key, location, numel); legacy: ('storage', cls, root_key, location, numel, view_metadata)
      resolve: (pid: unknown) => {
        const t = pid as unknown[];
        if (!Array.isArray(t) || t[0] !== 'storage') throw new Error(`${where}: unexpected persistent id ${JSON.stringify(pid)}`);
        const { dtype, size } = STORAGE_DTYPES[storageName(t[1])];
        const key = String(t[2]);
        let root = storages.get(key);
        if (!root) {
          root = { key, dtype, size, numel: Number(t[4]), viewOffset: 0 };
          storages.set(key, root);
        }
        const view = t[5] as unknown[] | null | undefined;
        if (view) return { ...root, viewOffset: Number(view[1]), numel: Number(view[2]), parent: root } as StorageRef;
        return root;
      },
    },
  });
}

function isStorage(v: unknown): v is StorageRef {
  return typeof v === 'object' && v !== null && 'key' in v && 'dtype' in v && 'numel' in v;
}

/**
 * Reads a plain `pickle.dump` file that holds torch tensors (EDM's `network-snapshot-*.pkl`): tensors are
 * {@link TorchTensor}s (their storages are embedded legacy torch.save bytes), persistent classes
 * {@link PersistentObject}s; other classes become inert objects carrying their state. Nothing is executed.
 */
export function readPickle(bytes: Uint8Array, where = '.pkl'): unknown {
  if (bytes[0] !== 0x80) throw new Error(`${where}: not a pickle file (first byte 0x${(bytes[0] ?? 0).toString(16)}, expected 0x80)`);
  try {
    return makeParser(new Map(), where).parse(bytes);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith(where) ? msg : `${where}: cannot read the pickle (${msg}); truncated or corrupt file?`);
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** C-order strides (size-1 dimensions may have any stride). */
function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && Number(stride[d]) !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Gathers a strided float tensor from its storage into a fresh C-order Float32Array. */
function materialise(name: string, t: TorchTensor, where: string): HostTensor | undefined {
  const s = t.storage as StorageRef & { parent?: StorageRef };
  const bytes = (s.parent ?? s).bytes;
  if (!bytes) throw new Error(`${where}: storage '${s.key}' of tensor '${name}' has no data (truncated file?)`);
  if (s.dtype !== 'float32' && s.dtype !== 'float64') return undefined;
  const numel = t.shape.reduce((a, b) => a * b, 1);
  const base0 = s.viewOffset + t.offset;
  if (s.dtype === 'float32' && LITTLE_ENDIAN && isContiguous(t.shape, t.stride) && (base0 + numel) * 4 <= bytes.length) {
    // Fast path (every parameter of a state dict): one copy of the bytes, no per-element index arithmetic.
    return { shape: t.shape.map(Number), data: new Float32Array(bytes.slice(base0 * 4, (base0 + numel) * 4).buffer) };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(numel);
  const idx = new Array<number>(t.shape.length).fill(0);
  const base = s.viewOffset + t.offset;
  for (let k = 0; k < numel; k++) {
    let e = base;
    for (let d = 0; d < idx.length; d++) e += idx[d] * t.stride[d];
    if ((e + 1) * s.size > bytes.length) {
      throw new Error(`${where}: tensor '${name}' reads element ${e} past the end of storage '${s.key}' (${bytes.length / s.size} elements; truncated file?)`);
    }
    out[k] = s.dtype === 'float32' ? view.getFloat32(e * 4, true) : view.getFloat64(e * 8, true);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return { shape: t.shape.map(Number), data: out };
}

function collect(obj: unknown, layout: TorchCheckpoint['layout'], where: string): TorchCheckpoint {
  const entries: Iterable<[unknown, unknown]> = obj instanceof Map ? obj : Object.entries(obj as object);
  const tensors: StateDict = new Map();
  const skipped: string[] = [];
  for (const [k, v] of entries) {
    const name = String(k);
    if (!(v instanceof TorchTensor)) {
      skipped.push(name);
      continue;
    }
    const t = materialise(name, v, where);
    if (t) tensors.set(name, t);
    else skipped.push(name);
  }
  if (tensors.size === 0) throw new Error(`${where}: the checkpoint holds no float tensors; expected a state_dict (name → tensor)`);
  return { layout, tensors, skipped };
}

function readZip(bytes: Uint8Array, where: string): unknown {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new Error(`${where}: corrupt or truncated PyTorch zip checkpoint (${(e as Error).message}); re-download the file`);
  }
  const pkl = Object.keys(files).find((f) => f.endsWith('/data.pkl') || f === 'data.pkl');
  if (!pkl) throw new Error(`${where}: zip archive without data.pkl; not a torch.save checkpoint`);
  const root = pkl.slice(0, -'data.pkl'.length);
  const storages = new Map<string, StorageRef>();
  const obj = makeParser(storages, where).parse(files[pkl]);
  for (const s of storages.values()) {
    const data = files[`${root}data/${s.key}`];
    if (!data) throw new Error(`${where}: storage entry '${root}data/${s.key}' missing from the zip (truncated file?)`);
    if (data.length < s.numel * s.size) throw new Error(`${where}: storage '${s.key}' has ${data.length} bytes, expected ${s.numel * s.size} (truncated file?)`);
    s.bytes = data;
  }
  return obj;
}

/** Legacy magic pickle: PROTO 2, LONG1 of 10 bytes 0x1950a86a20f9469cfc6c, STOP (pickleparser rejects >8-byte LONG1). */
const LEGACY_MAGIC = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e);

function readLegacy(bytes: Uint8Array, where: string): unknown {
  if (LEGACY_MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${where}: pickle without torch's legacy magic number; not a torch.save checkpoint`);
  const reader = new BufferReader(bytes.subarray(LEGACY_MAGIC.length));
  const storages = new Map<string, StorageRef>();
  const parser = makeParser(storages, where);
  const step = <T>(what: string): T => {
    try {
      return parser.read<T>(reader);
    } catch (e) {
      throw new Error(`${where}: cannot read the ${what} pickle of a legacy checkpoint (${(e as Error).message}); truncated or corrupt file?`);
    }
  };
  const protocol = step<number>('protocol');
  if (protocol !== 1001) throw new Error(`${where}: legacy checkpoint protocol ${protocol}, expected 1001`);
  step<unknown>('sys_info');
  const obj = step<unknown>('object');
  const keys = step<unknown[]>('storage keys').map(String);
  let pos = LEGACY_MAGIC.length + reader.position;
  {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const key of keys) {
      const s = storages.get(key);
      if (!s) throw new Error(`${where}: storage key '${key}' listed but never referenced`);
      if (pos + 8 > bytes.length) throw new Error(`${where}: truncated legacy checkpoint: storage '${key}' header missing at byte ${pos}`);
      const numel = Number(view.getBigInt64(pos, true));
      const n = numel * s.size;
      if (pos + 8 + n > bytes.length) {
        throw new Error(`${where}: truncated legacy checkpoint: storage '${key}' needs ${n} bytes at byte ${pos + 8}, file has ${bytes.length - pos - 8}`);
      }
      s.bytes = bytes.slice(pos + 8, pos + 8 + n);
      pos += 8 + n;
    }
  }
  return obj;
}

/** Reads a `torch.save`d state dict in either layout (detected from the first bytes). */
export function readTorchCheckpoint(bytes: Uint8Array, where = '.pth'): TorchCheckpoint {
  const { layout, root } = readTorchObject(bytes, where);
  return collect(root, layout, where);
}

/** The object a `torch.save` file holds (Maps for dicts, arrays for lists/tuples), {@link TorchTensor}s at the leaves. */
export interface TorchObject {
  layout: 'zip' | 'legacy';
  root: unknown;
}

/** Reads any `torch.save`d object in either layout (detected from the first bytes); storages are attached. */
export function readTorchObject(bytes: Uint8Array, where = '.pth'): TorchObject {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return { layout: 'zip', root: readZip(bytes, where) };
  if (bytes[0] === 0x80 && bytes[1] === 0x02) return { layout: 'legacy', root: readLegacy(bytes, where) };
  throw new Error(`${where}: not a PyTorch checkpoint (starts with neither 'PK' (zip, torch ≥ 1.6) nor pickle protocol 2 (legacy)); got bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`);
}
