#!/usr/bin/python3
"""PyTorch reference for inception.bench.ts: the same FID Inception-v3 (fixtures/make_inception_fixture.py, synthetic
weights), forward of a [B, 3, 299, 299] batch to pool3 + logits, torch.set_num_threads(THREADS).

Usage: /usr/bin/python3 inception_torch.py [--batch 8] [--steps 5] [--threads 2]
Prints one JSON line: images_per_s (median over steps), batch, threads, blas. Reference timings only.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures'))
from make_inception_fixture import FIDInceptionV3, synthetic_state_dict  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    net = FIDInceptionV3().eval()
    net.load_state_dict(synthetic_state_dict(), strict=False)
    x = torch.rand(a.batch, 3, 299, 299) * 2 - 1
    times = []
    with torch.no_grad():
        net.pool3(x)  # warm-up
        for _ in range(a.steps):
            t = time.perf_counter()
            net.fc(net.pool3(x))
            times.append(time.perf_counter() - t)
    blas = 'openblas' if 'openblas' in torch.__config__.show().lower() else 'other'
    print(json.dumps(dict(images_per_s=a.batch / statistics.median(times), batch=a.batch, threads=a.threads, blas=blas)))


if __name__ == '__main__':
    main()
