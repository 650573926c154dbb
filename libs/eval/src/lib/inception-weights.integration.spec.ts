// Full-size .pth loading: fixtures/make_inception_fixture.py --pth-dir writes the synthetic FID Inception weights with
// torch.save in both layouts (~95 MB each, temp dir); we load them (path → convert → cache → reload, and download from
// a 127.0.0.1 server) and compare with the TS-regenerated weights bit for bit. Needs Debian python3-torch.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInceptionStateDict } from './inception-weights.js';
import type { StateDict } from './state-dict.js';
import { syntheticInceptionStateDict } from './synthetic-inception-weights.js';

const hasTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('inception-weights.integration.spec: /usr/bin/python3 with torch not found — full-size .pth tests SKIPPED');
    return false;
  }
})();

const tmp = mkdtempSync(join(tmpdir(), 'pfgm-pth-'));
let expected: StateDict;

function expectSameWeights(got: StateDict): void {
  expect([...got.keys()]).toEqual([...expected.keys()]);
  for (const [k, t] of expected) {
    const g = got.get(k) as (typeof t);
    expect(g.shape, k).toEqual(t.shape);
    expect(Buffer.from(g.data.buffer, g.data.byteOffset, g.data.byteLength).equals(Buffer.from(t.data.buffer)), k).toBe(true);
  }
}

describe.skipIf(!hasTorch)('FID Inception .pth files written by torch.save', () => {
  beforeAll(() => {
    const script = new URL('../../fixtures/make_inception_fixture.py', import.meta.url).pathname;
    execFileSync('/usr/bin/python3', [script, '--pth-dir', tmp], { stdio: 'inherit' });
    expected = syntheticInceptionStateDict();
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.each(['synthetic-zip.pth', 'synthetic-legacy.pth'])('loads %s, converts once to the cache, reloads from it', async (file) => {
    const logs: string[] = [];
    const opts = { path: join(tmp, file), cacheDir: join(tmp, `cache-${file}`), log: (m: string) => logs.push(m) };
    expectSameWeights(await loadInceptionStateDict(opts));
    expect(logs.some((m) => m.startsWith('converted'))).toBe(true);
    logs.length = 0;
    expectSameWeights(await loadInceptionStateDict(opts));
    expect(logs.some((m) => m.startsWith('converted'))).toBe(false);
  }, 60_000);

  it('downloads from a loopback server with checksum verification', async () => {
    const body = readFileSync(join(tmp, 'synthetic-zip.pth'));
    const server = createServer((_, res) => res.writeHead(200).end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pt_inception.pth`;
      const sha256 = createHash('sha256').update(body).digest('hex');
      expectSameWeights(await loadInceptionStateDict({ cacheDir: join(tmp, 'dl-cache'), url, sha256 }));
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);

  it('truncated full-size files give a clear error in both layouts', async () => {
    for (const file of ['synthetic-zip.pth', 'synthetic-legacy.pth']) {
      const cut = join(tmp, `cut-${file}`);
      const bytes = readFileSync(join(tmp, file));
      writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
      await expect(loadInceptionStateDict({ path: cut, cacheDir: join(tmp, 'cut-cache') })).rejects.toThrow(/truncated/);
    }
  }, 60_000);
});
