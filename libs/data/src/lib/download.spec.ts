import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadLoopbackUrl, startLoopbackServer, type LoopbackServer } from '../test/loopback-server.js';
import { listAll, makeTempDir } from '../test/temp-dir.js';
import { DataError } from './data-error.js';
import { download } from './download.js';

const body = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251);
const sha256 = createHash('sha256').update(body).digest('hex');
const md5 = createHash('md5').update(body).digest('hex');

describe('download (loopback HTTP server on 127.0.0.1)', () => {
  let server: LoopbackServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir();
    server = await startLoopbackServer({
      '/good.bin': { kind: 'ok', body },
      '/cut.bin': { kind: 'truncated', body, sendBytes: 30_000 },
      '/err.bin': { kind: 'status', code: 500 },
      '/stall.bin': { kind: 'stall', body, sendBytes: 10_000 },
    });
  });
  afterEach(async () => {
    await server.close();
    await tmp.cleanup();
  });

  /** Asserts the failure kind and that nothing, not even a temp file, is left in the cache. */
  async function expectFailure(p: Promise<unknown>, reason: DataError['reason'], text: RegExp): Promise<void> {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).reason).toBe(reason);
    expect((err as DataError).message).toMatch(text);
    expect(await listAll(tmp.dir)).toEqual([]);
  }

  it('success: exact bytes under the final name, checked against size, sha256 and md5, no temp file left', async () => {
    const dest = join(tmp.dir, 'good.bin');
    await download({ url: `${server.url}good.bin`, dest, expected: { bytes: body.length, sha256, md5 } });
    expect(new Uint8Array(readFileSync(dest))).toEqual(body);
    expect(await listAll(tmp.dir)).toEqual(['good.bin']);
  });

  it('temp files left by a killed download (dead pid) are removed; a live one is kept', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(tmp.dir, `.good.bin.${deadPid}-0000.part`), 'partial');
    writeFileSync(join(tmp.dir, `.good.bin.${process.pid}-ffff.part`), 'in progress');
    await download({ url: `${server.url}good.bin`, dest: join(tmp.dir, 'good.bin') });
    expect(await listAll(tmp.dir)).toEqual([`.good.bin.${process.pid}-ffff.part`, 'good.bin']);
  });

  it('sha256 mismatch: error, the bad file is deleted', async () => {
    const dest = join(tmp.dir, 'good.bin');
    await expectFailure(download({ url: `${server.url}good.bin`, dest, expected: { sha256: '0'.repeat(64) } }), 'checksum', /checksum mismatch.*sha256/);
  });

  it('md5 mismatch: error, the bad file is deleted', async () => {
    const dest = join(tmp.dir, 'good.bin');
    await expectFailure(download({ url: `${server.url}good.bin`, dest, expected: { md5: 'f'.repeat(32) } }), 'checksum', new RegExp(`md5 ${md5}`));
  });

  it('wrong size: error naming expected and found size', async () => {
    const dest = join(tmp.dir, 'good.bin');
    await expectFailure(download({ url: `${server.url}good.bin`, dest, expected: { bytes: body.length + 1 } }), 'checksum', /expected 100001 bytes, found 100000/);
  });

  it('truncated response (socket dropped mid-body): error, no partial file under any name', async () => {
    const dest = join(tmp.dir, 'cut.bin');
    await expectFailure(download({ url: `${server.url}cut.bin`, dest }), 'truncated', /cut\.bin.*(interrupted|truncated)/);
  });

  it('a server that goes silent mid-body: aborted after the idle timeout, nothing left', async () => {
    const dest = join(tmp.dir, 'stall.bin');
    await expectFailure(download({ url: `${server.url}stall.bin`, dest, idleTimeoutMs: 300 }), 'truncated', /interrupted after 10000 of 100000 bytes \(no data received before the idle timeout\)/);
  });

  it('HTTP 500 and 404: error with the status, nothing written', async () => {
    await expectFailure(download({ url: `${server.url}err.bin`, dest: join(tmp.dir, 'err.bin') }), 'http', /HTTP 500/);
    await expectFailure(download({ url: `${server.url}missing.bin`, dest: join(tmp.dir, 'x.bin') }), 'http', /HTTP 404/);
  });

  it('no server listening: a network error naming the URL', async () => {
    const url = `${await deadLoopbackUrl()}good.bin`;
    await expectFailure(download({ url, dest: join(tmp.dir, 'good.bin') }), 'network', /could not reach http:\/\/127\.0\.0\.1:\d+\/good\.bin.*ECONNREFUSED/);
  });

  it('a rejecting verify hook leaves no file; a failed download never replaces a good file', async () => {
    const dest = join(tmp.dir, 'good.bin');
    const verify = async () => {
      throw new DataError('content is wrong', 'checksum');
    };
    await expectFailure(download({ url: `${server.url}good.bin`, dest, verify }), 'checksum', /content is wrong/);
    await download({ url: `${server.url}good.bin`, dest });
    await download({ url: `${server.url}good.bin`, dest, expected: { md5: 'f'.repeat(32) } }).catch(() => undefined);
    expect(existsSync(dest)).toBe(true);
    expect(new Uint8Array(readFileSync(dest))).toEqual(body);
    expect(await listAll(tmp.dir)).toEqual(['good.bin']);
  });
});
