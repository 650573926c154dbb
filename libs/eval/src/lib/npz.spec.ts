import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '@pfgm/tensor/testing';
import { readNpz, readStatsNpz, writeNpz, writeStatsNpz } from './npz.js';
import { readNpy, writeNpy } from './npy.js';

const fixtures = new URL('../../fixtures/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('stats-numpy.json', fixtures), 'utf8')) as Record<string, number[]>;
const tmp = mkdtempSync(join(tmpdir(), 'pfgm-npz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** numpy reading our files back (fixtures/make_npz_fixture.py FILE); absent only where Debian python3-numpy is. */
function numpyLoad(path: string): Record<string, { dtype: string; shape: number[]; values: number[] }> | undefined {
  try {
    const script = new URL('make_npz_fixture.py', fixtures).pathname;
    return JSON.parse(execFileSync('/usr/bin/python3', [script, path], { encoding: 'utf8' }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
const hasNumpy = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('npz.spec: /usr/bin/python3 with numpy not found — the numpy read-back test is SKIPPED');
    return false;
  }
})();

describe('npz', () => {
  it.each(['stats-numpy.npz', 'stats-numpy-compressed.npz'])('reads %s written by numpy (float64 exact)', async (file) => {
    const s = await readStatsNpz(new URL(file, fixtures).pathname);
    expect(Array.from(s.mu)).toEqual(ref.mu);
    expect(Array.from(s.sigma)).toEqual(ref.sigma);
  });

  it('reads float32 and Fortran-ordered arrays', () => {
    const a = readNpz(readFileSync(new URL('stats-numpy.npz', fixtures)));
    expect(a.extra_f4.descr).toBe('<f4');
    expect(a.extra_f4.shape).toEqual([2, 3]);
    expect(Array.from(a.extra_f4.data)).toEqual(ref.extra_f4);
    expect(a.fortran.shape).toEqual([3, 4]);
    expect(Array.from(a.fortran.data)).toEqual(ref.fortran);
  });

  it('round-trips through our writer and reader', () => {
    const data = Float64Array.from({ length: 12 }, (_, i) => Math.PI * i - 1e-300);
    const back = readNpy(writeNpy(data, [3, 4]));
    expect(back.shape).toEqual([3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    const z = readNpz(writeNpz({ u: { data: Uint8Array.of(0, 255, 7), shape: [3] } }, true));
    expect(Array.from(z.u.data)).toEqual([0, 255, 7]);
  });

  it.skipIf(!hasNumpy)('writes stats that np.load reads back exactly (stored and compressed)', async () => {
    const mu = Float64Array.from(ref.mu);
    const sigma = Float64Array.from(ref.sigma);
    for (const compress of [false, true]) {
      const path = join(tmp, `ours-${compress}.npz`);
      await writeStatsNpz(path, { n: 0, mu, sigma }, compress);
      const got = numpyLoad(path);
      if (!got) throw new Error('numpy read-back unavailable');
      expect(got.mu).toEqual({ dtype: 'float64', shape: [6], values: ref.mu });
      expect(got.sigma).toEqual({ dtype: 'float64', shape: [6, 6], values: ref.sigma });
    }
  });

  it('gives clear errors for non-npz, truncated and wrong-key files', async () => {
    expect(() => readNpz(Uint8Array.of(1, 2, 3), 'x.npz')).toThrow(/x\.npz: not a readable \.npz/);
    expect(() => readNpy(writeNpy(new Float64Array(4), [4]).subarray(0, 100), 'y.npy')).toThrow(/truncated \.npy.*needs 32 data bytes/);
    expect(() => readNpy(new Uint8Array(20), 'z.npy')).toThrow(/not a \.npy array/);
    const path = join(tmp, 'wrong.npz');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, writeNpz({ pool_3: { data: new Float32Array(4), shape: [2, 2] } }));
    await expect(readStatsNpz(path)).rejects.toThrow(/expected arrays 'mu' and 'sigma'.*found: pool_3.*raw activations/);
  });

  it('float64 stats survive a write/read cycle exactly', async () => {
    const path = join(tmp, 'cycle.npz');
    const mu = Float64Array.from([1 / 3, -2e-17, 5]);
    const sigma = Float64Array.from({ length: 9 }, (_, i) => Math.sqrt(i + 0.1));
    await writeStatsNpz(path, { n: 7, mu, sigma });
    const s = await readStatsNpz(path);
    expectClose(s.mu, mu, { rtol: 0, atol: 0 });
    expectClose(s.sigma, sigma, { rtol: 0, atol: 0 });
  });
});
