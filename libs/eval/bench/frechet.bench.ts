// frechetDistance at the Inception feature size (D = 2048; float64 Cholesky + eigenvalue-only tred2/tql2) against pytorch-fid's
// scipy.linalg.sqrtm path (bench/frechet_scipy.py, same random statistics via .npz, 2 BLAS threads) in the same job:
// prints both times, their ratio, and the relative difference of the two FIDs.
// Run: npm run bench -w @pfgm/eval  (env PFGM_BENCH_FID_DIM, default 2048)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNative } from '@pfgm/native';
import { frechetDistance, readStatsNpz } from '../src/index.js';

const dim = Number(process.env.PFGM_BENCH_FID_DIM ?? 2048);
const dir = mkdtempSync(join(tmpdir(), 'pfgm-fid-bench-'));
try {
  const script = fileURLToPath(new URL('./frechet_scipy.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, dir, '--dim', String(dim)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scipy reference failed: ${r.stderr}`);
  const ref = JSON.parse(r.stdout.trim()) as { fid: number; seconds: number; max_imag: number };
  const a = await readStatsNpz(join(dir, 'a.npz'));
  const b = await readStatsNpz(join(dir, 'b.npz'));
  const t0 = performance.now();
  const fid = frechetDistance(a, b);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`Fréchet distance, D = ${dim}, full-rank random statistics`);
  console.table([
    {
      impl: loadNative().available ? 'ours: LAPACK dpotrf + dgemm + dsyevd (OpenBLAS), float64' : 'ours: Cholesky + tred2/tql2 in JS, float64',
      FID: fid,
      seconds: seconds.toFixed(1),
    },
    { impl: 'scipy.linalg.sqrtm (pytorch-fid)', FID: ref.fid, seconds: ref.seconds.toFixed(1) },
  ]);
  console.log(`time ratio ours / scipy = ${(seconds / ref.seconds).toFixed(2)}; relative FID difference ${(Math.abs(fid - ref.fid) / ref.fid).toExponential(2)} (scipy max |imag| ${ref.max_imag.toExponential(1)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
