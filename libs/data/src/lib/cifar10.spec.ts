import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectSameBytes } from '../test/bytes.js';
import { startLoopbackServer } from '../test/loopback-server.js';
import { listAll, makeTempDir } from '../test/temp-dir.js';
import { CIFAR10_DIR, CIFAR10_RECORD, cifar10Files, encodeCifarBatch, loadCifar10, parseCifarBatch } from './cifar10.js';
import { DataError } from './data-error.js';
import { loadDataset } from './load-dataset.js';

/** n synthetic records: pixel (k, h, w, c) = (k·31 + h·7 + w·3 + c·101) mod 256, label (k + offset) mod 10. */
function records(n: number, offset: number) {
  const pixels = new Uint8Array(n * 3072);
  for (let k = 0; k < n; k++) {
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) pixels[k * 3072 + p * 3 + c] = (k * 31 + Math.floor(p / 32) * 7 + (p % 32) * 3 + c * 101 + offset) % 256;
    }
  }
  return { pixels, labels: Uint8Array.from({ length: n }, (_, k) => (k + offset) % 10) };
}

/** Writes cifar-10-batches-bin/ with 5 train batches of 3 records and a test batch of 4; returns the expected data. */
async function writeBatches(root: string) {
  const dir = join(root, CIFAR10_DIR);
  await mkdir(dir, { recursive: true });
  const train = [0, 1, 2, 3, 4].map((b) => records(3, 10 * b));
  const test = records(4, 77);
  for (const [i, r] of train.entries()) await writeFile(join(dir, `data_batch_${i + 1}.bin`), encodeCifarBatch(r.pixels, r.labels));
  await writeFile(join(dir, 'test_batch.bin'), encodeCifarBatch(test.pixels, test.labels));
  await writeFile(join(dir, 'batches.meta.txt'), 'airplane\nautomobile\n');
  const cat = (xs: Uint8Array[]) => Uint8Array.from(xs.flatMap((x) => Array.from(x)));
  return { train: { pixels: cat(train.map((r) => r.pixels)), labels: cat(train.map((r) => r.labels)) }, test };
}

describe('CIFAR-10 binary format', () => {
  it('records round-trip exactly; planes R, G, B become channels last', () => {
    const r = records(2, 5);
    const buf = encodeCifarBatch(r.pixels, r.labels);
    expect(buf.length).toBe(2 * CIFAR10_RECORD);
    // record 1, channel G (plane 1), row 4, column 9 sits at byte 3073 + 1 + 1024 + 4·32 + 9
    expect(buf[CIFAR10_RECORD + 1 + 1024 + 4 * 32 + 9]).toBe(r.pixels[3072 + (4 * 32 + 9) * 3 + 1]);
    expect(buf[CIFAR10_RECORD]).toBe(r.labels[1]);
    const back = parseCifarBatch(buf, 'b.bin');
    expectSameBytes(back.pixels, r.pixels);
    expectSameBytes(back.labels, r.labels);
  });

  it('truncated batch: error names the file and the sizes', () => {
    const r = records(2, 0);
    const buf = encodeCifarBatch(r.pixels, r.labels).subarray(0, 5000);
    expect(() => parseCifarBatch(buf, 'data_batch_1.bin')).toThrow(
      /data_batch_1\.bin: truncated or corrupt CIFAR-10 batch: 5000 bytes is not a positive multiple of 3073 .*30730000 bytes/,
    );
    expect(() => parseCifarBatch(new Uint8Array(0), 'e.bin')).toThrow(DataError);
  });

  it('a label outside 0–9 is reported with its record', () => {
    const r = records(2, 0);
    const buf = encodeCifarBatch(r.pixels, r.labels);
    buf[CIFAR10_RECORD] = 200;
    expect(() => parseCifarBatch(buf, 'x.bin')).toThrow(/x\.bin: label 200 in record 1, expected 0–9/);
  });
});

describe('CIFAR-10 loader (synthetic folder and .tar.gz written by the test)', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let expected: Awaited<ReturnType<typeof writeBatches>>;
  let archive: Uint8Array;
  beforeEach(async () => {
    tmp = await makeTempDir();
    const src = join(tmp.dir, 'src');
    expected = await writeBatches(src);
    await tar.c({ gzip: true, file: join(tmp.dir, 'cifar-10-binary.tar.gz'), cwd: src, portable: true }, [CIFAR10_DIR]);
    archive = new Uint8Array(await readFile(join(tmp.dir, 'cifar-10-binary.tar.gz')));
  });
  afterEach(() => tmp.cleanup());
  const local = { download: false } as const;

  it('extracted folder: train (5 batches) and test parse back exactly', async () => {
    const train = await loadCifar10({ ...local, dataDir: join(tmp.dir, 'src') });
    expect(train.length).toBe(15);
    expect(train.sampleShape).toEqual([32, 32, 3]);
    expectSameBytes(train.pixels, expected.train.pixels);
    expectSameBytes(train.labels ?? new Uint8Array(), expected.train.labels);
    const test = await loadCifar10({ ...local, split: 'test', dataDir: join(tmp.dir, 'src', CIFAR10_DIR) });
    expectSameBytes(test.pixels, expected.test.pixels);
    expect(test.classNames?.[9]).toBe('truck');
  });

  it('.tar.gz read with tar: parses back exactly', async () => {
    const ds = await loadCifar10({ ...local, dataDir: tmp.dir, cacheDir: join(tmp.dir, 'cache') });
    expectSameBytes(ds.pixels, expected.train.pixels);
    expectSameBytes(ds.labels ?? new Uint8Array(), expected.train.labels);
    const test = await loadCifar10({ ...local, split: 'test', dataDir: tmp.dir });
    expectSameBytes(test.pixels, expected.test.pixels);
  });

  it('truncated .tar.gz (gzip cut, or tar cut inside a member): error names the archive', async () => {
    const file = join(tmp.dir, 'cifar-10-binary.tar.gz');
    await writeFile(file, archive.subarray(0, archive.length - 200));
    await expect(loadCifar10({ ...local, dataDir: tmp.dir })).rejects.toThrow(new RegExp(`${file}: corrupt or truncated tar.gz archive \\(.*unexpected end of file`));
    await writeFile(file, gzipSync(gunzipSync(archive).subarray(0, 20_000)));
    await expect(loadCifar10({ ...local, dataDir: tmp.dir })).rejects.toThrow(new RegExp(`${file}: corrupt or truncated tar.gz archive \\(.*Truncated input`));
    await writeFile(file, Buffer.from('<html>404 not found</html>'));
    await expect(loadCifar10({ ...local, dataDir: tmp.dir })).rejects.toThrow(/corrupt or truncated tar.gz archive/);
  });

  it('an archive without the test batch: error lists what is missing', async () => {
    const src = join(tmp.dir, 'partial');
    await mkdir(join(src, CIFAR10_DIR), { recursive: true });
    await writeFile(join(src, CIFAR10_DIR, 'data_batch_1.bin'), encodeCifarBatch(records(1, 0).pixels, records(1, 0).labels));
    const dir = join(tmp.dir, 'p');
    await mkdir(dir);
    await tar.c({ gzip: true, file: join(dir, 'cifar-10-binary.tar.gz'), cwd: src }, [CIFAR10_DIR]);
    await expect(loadCifar10({ ...local, split: 'test', dataDir: dir })).rejects.toThrow(/archive lacks test_batch\.bin/);
  });

  it('a batch truncated by whole records: the unequal counts are reported', async () => {
    const file = join(tmp.dir, 'src', CIFAR10_DIR, 'data_batch_3.bin');
    const buf = await readFile(file);
    await writeFile(file, buf.subarray(0, 2 * CIFAR10_RECORD));
    await expect(loadCifar10({ ...local, dataDir: join(tmp.dir, 'src') })).rejects.toThrow(/different numbers of records .*data_batch_3\.bin: 2/);
    await writeFile(file, buf.subarray(0, 2 * CIFAR10_RECORD + 10));
    await expect(loadCifar10({ ...local, dataDir: join(tmp.dir, 'src') })).rejects.toThrow(/data_batch_3\.bin: truncated or corrupt CIFAR-10 batch: 6156 bytes/);
  });

  it('download from a loopback server: md5 verified, cached, reused; a corrupted cache is replaced', async () => {
    const server = await startLoopbackServer({ '/c.tgz': { kind: 'ok', body: archive } });
    const cache = join(tmp.dir, 'cache');
    const md5 = createHash('md5').update(archive).digest('hex');
    const opts = { cacheDir: cache, url: `${server.url}c.tgz`, expected: { md5, bytes: archive.length } };
    try {
      const a = await loadCifar10(opts);
      expectSameBytes(a.pixels, expected.train.pixels);
      expect(await listAll(cache)).toEqual(['cifar10', 'cifar10/cifar-10-binary.tar.gz']);
      await loadCifar10({ ...opts, split: 'test' });
      expect(server.hits).toEqual(['/c.tgz']);
      await writeFile(join(cache, 'cifar10', 'cifar-10-binary.tar.gz'), archive.subarray(0, 1000));
      const b = await loadCifar10(opts);
      expect(server.hits).toEqual(['/c.tgz', '/c.tgz']);
      expectSameBytes(b.pixels, expected.train.pixels);
    } finally {
      await server.close();
    }
  });

  it('download that does not match the official md5: checksum error, nothing cached (via loadDataset)', async () => {
    const server = await startLoopbackServer({ '/cifar-10-binary.tar.gz': { kind: 'ok', body: archive } });
    const cache = join(tmp.dir, 'cache');
    try {
      const err = await loadDataset('cifar10', { cacheDir: cache, baseUrl: server.url }).catch((e: unknown) => e);
      expect((err as DataError).reason).toBe('checksum');
      expect((err as DataError).message).toMatch(/wrong size: expected 170052171 bytes|md5 .* expected c32a1d4ab5d03f1284b67883e8d87530/);
      expect(await listAll(cache)).toEqual(['cifar10']);
    } finally {
      await server.close();
    }
  });

  it('server error: the not-found error lists the paths tried and how to get the archive', async () => {
    const server = await startLoopbackServer({});
    const cache = join(tmp.dir, 'cache');
    try {
      const err = await loadCifar10({ dataDir: join(tmp.dir, 'nowhere'), cacheDir: cache, url: `${server.url}x.tgz` }).catch((e: unknown) => e);
      const msg = (err as DataError).message;
      expect((err as DataError).reason).toBe('not-found');
      expect(msg).toContain(`--data ${join(tmp.dir, 'nowhere')}: no ${cifar10Files('train').join(', ')}`);
      expect(msg).toContain(`cache ${join(cache, 'cifar10', 'cifar-10-binary.tar.gz')}: no verified copy`);
      expect(msg).toMatch(/HTTP 404/);
      expect(msg).toContain('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (md5 c32a1d4ab5d03f1284b67883e8d87530)');
      expect(await listAll(cache)).toEqual(['cifar10']);
    } finally {
      await server.close();
    }
  });
});
