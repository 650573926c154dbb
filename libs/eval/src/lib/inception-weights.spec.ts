import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inceptionStateDictShapes } from './inception-layout.js';
import { checkInceptionStateDict } from './inception-params.js';
import { downloadVerified, loadInceptionStateDict } from './inception-weights.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import type { StateDict } from './state-dict.js';

const tiny = new Uint8Array(readFileSync(new URL('../../fixtures/tiny-zip.pth', import.meta.url)));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const tmp = mkdtempSync(join(tmpdir(), 'pfgm-weights-'));

/** Loopback HTTP server (127.0.0.1 only): /tiny.pth serves the tiny checkpoint, anything else 404. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/tiny.pth') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tiny);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

/** A state dict with the right names/shapes but no data (enough for the layout check). */
const layoutOnly = (): StateDict => new Map(inceptionStateDictShapes().map(([k, s]) => [k, { shape: s, data: new Float32Array(0) }]));

describe('Inception weights: download, checksum, layout errors', () => {
  it('downloads over HTTP and verifies SHA-256', async () => {
    const dest = join(tmp, 'ok.pth');
    await downloadVerified(`${base}/tiny.pth`, dest, sha(tiny));
    expect(sha(new Uint8Array(readFileSync(dest)))).toBe(sha(tiny));
  });

  it('rejects a checksum mismatch and leaves nothing behind', async () => {
    const dest = join(tmp, 'bad.pth');
    const wrong = '0'.repeat(64);
    await expect(downloadVerified(`${base}/tiny.pth`, dest, wrong)).rejects.toThrow(
      new RegExp(`checksum mismatch for ${base}/tiny.pth: SHA-256 ${sha(tiny)}, expected 0{64}`),
    );
    expect(readdirSync(tmp).filter((f) => f.startsWith('bad'))).toEqual([]);
    await expect(downloadVerified(`${base}/missing.pth`, dest, wrong)).rejects.toThrow(/HTTP 404/);
  });

  it('download → cache → layout check names what is wrong', async () => {
    const cacheDir = join(tmp, 'cache');
    await expect(loadInceptionStateDict({ cacheDir, url: `${base}/tiny.pth`, sha256: sha(tiny) })).rejects.toThrow(
      /not pytorch-fid's FID Inception-v3.*missing 472 key\(s\): Conv2d_1a_3x3\.conv\.weight.*unexpected key\(s\): a\.conv\.weight/,
    );
    expect(existsSync(join(cacheDir, 'inception', 'pt_inception-2015-12-05-6726825d.pth'))).toBe(true);
    await expect(loadInceptionStateDict({ cacheDir: join(tmp, 'empty'), download: false })).rejects.toThrow(/weights not found.*--inception PATH/);
  });

  it('reports wrong shapes and ignores num_batches_tracked', () => {
    const sd = layoutOnly();
    sd.set('Mixed_7c.num_batches_tracked', { shape: [], data: new Float32Array(1) });
    expect(() => checkInceptionStateDict(sd)).not.toThrow();
    sd.set('Mixed_5b.branch1x1.conv.weight', { shape: [64, 192, 3, 3], data: new Float32Array(0) });
    expect(() => checkInceptionStateDict(sd, 'w.pth')).toThrow(/w\.pth .*wrong shape\(s\): Mixed_5b\.branch1x1\.conv\.weight: got \[64,192,3,3\], expected \[64,192,1,1\]/);
  });

  it('safetensors round-trips float32 exactly', () => {
    const sd: StateDict = new Map([
      ['a', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, 7, 8]) }],
      ['b', { shape: [1], data: Float32Array.of(Math.fround(Math.PI)) }],
    ]);
    const back = readSafetensors(writeSafetensors(sd, { source: 'test' }));
    expect(back.metadata).toEqual({ source: 'test' });
    expect([...back.tensors.entries()]).toEqual([...sd.entries()]);
    expect(() => readSafetensors(writeSafetensors(sd).subarray(0, 100))).toThrow(/truncated safetensors/);
  });
});
