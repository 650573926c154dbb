#!/usr/bin/python3
"""Reference for frechet.bench.ts: two random full-rank 2048-d Gaussian statistics (RandomState(11)), written with
np.savez to OUT_DIR/{a,b}.npz, and pytorch-fid's FID (scipy.linalg.sqrtm of S1·S2) with its wall time.

Usage: /usr/bin/python3 frechet_scipy.py OUT_DIR [--dim 2048] [--threads 2]
Prints one JSON line: fid, seconds (FID only), dim. Reference values only.
"""
import argparse
import json
import os
import time

ap = argparse.ArgumentParser()
ap.add_argument('out')
ap.add_argument('--dim', type=int, default=2048)
ap.add_argument('--threads', type=int, default=2)
a = ap.parse_args()
os.environ['OPENBLAS_NUM_THREADS'] = str(a.threads)
import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402

rng = np.random.RandomState(11)
d = a.dim
stats = []
for name in ['a', 'b']:
    x = rng.standard_normal((d, 2 * d)) * np.linspace(0.2, 2, d)[:, None]
    sigma = x @ x.T / (2 * d)
    mu = rng.standard_normal(d) * 0.1
    np.savez(os.path.join(a.out, name + '.npz'), mu=mu, sigma=sigma)
    stats.append((mu, sigma))
(m1, s1), (m2, s2) = stats
t = time.perf_counter()
covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
fid = float((m1 - m2).dot(m1 - m2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real))
print(json.dumps(dict(fid=fid, seconds=time.perf_counter() - t, dim=d, max_imag=float(np.abs(covmean.imag).max()) if np.iscomplexobj(covmean) else 0.0)))
