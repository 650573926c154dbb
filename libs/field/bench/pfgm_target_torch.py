"""PyTorch reference timing for libs/field/bench/pfgm-target.bench.ts (run by it; not a runtime dependency).

The official PFGM target (losses.py, spec §1.3) computed DENSELY over all B_L reference points, in the matmul form
that `pfgmTarget(..., { sum: 'dense' })` of @pfgm/field uses: d² by one matmul against a precomputed yᵀ, weights
softmax(−(N+1)/2·log1p((d² − d0)/(d0 + z²))), E = (w·y − x, −z), v = √N·E/(‖E‖ + γ). float32, 2 threads. No pruning:
every weight, even those that underflow to 0, is multiplied into w·y.

Inputs: with --inputs DIR, the bench's own tensors (DIR/y.f32 [B_L, N] and DIR/p.f32 [batches·B, N+1], raw
little-endian float32; the timed calls cycle through the batches), and v of the first batch is written to
DIR/v_torch.f32 so that the bench can check both compute the same thing; without it, random inputs like the bench's
synthetic case.
Prints one JSON line: {"median_ms", "min_ms", "runs", "threads", "torch", "blas"}.
Usage: /usr/bin/python3 pfgm_target_torch.py [B B_L N RUNS] [--inputs DIR --batches K]
"""
import argparse
import json
import os
import time

import numpy as np
import torch

cli = argparse.ArgumentParser()
for name, default in (("B", 128), ("BL", 4096), ("N", 3072), ("runs", 10)):
    cli.add_argument(name, type=int, nargs="?", default=default)
cli.add_argument("--inputs", help="directory with y.f32 [B_L, N] and p.f32 [batches·B, N+1]; v of batch 1 → v_torch.f32")
cli.add_argument("--batches", type=int, default=1, help="perturbed batches in p.f32, cycled through by the timed calls")
a = cli.parse_args()
B, BL, N, RUNS = a.B, a.BL, a.N, a.runs
torch.set_num_threads(2)
if a.inputs is not None:
    y = torch.from_numpy(np.fromfile(os.path.join(a.inputs, "y.f32"), dtype="<f4").reshape(BL, N).copy())
    ps = torch.from_numpy(np.fromfile(os.path.join(a.inputs, "p.f32"), dtype="<f4").reshape(a.batches, B, N + 1).copy())
else:
    g = torch.Generator().manual_seed(0)
    y = torch.rand(BL, N, generator=g) * 2 - 1  # [B_L, N], the large batch
    x = y[:B] + 0.5 * torch.randn(B, N, generator=g)  # perturbed small batch (its sources are rows 0..B-1)
    ps = torch.cat([x, torch.rand(B, 1, generator=g) * 10], 1)[None]  # [1, B, N+1]
yT = y.t().contiguous()  # [N, B_L], precomputed once like ReferenceBatch
ySq = (y * y).sum(1)  # [B_L]


def pfgm_target(p, gamma=5.0):
    x, z = p[:, :N], p[:, N]
    d2 = ((x * x).sum(1, keepdim=True) + ySq - 2 * (x @ yT)).clamp_min(0)  # [B, B_L]
    d0 = d2.min(1, keepdim=True).values
    logits = -(N + 1) / 2 * torch.log1p((d2 - d0) / (d0 + z[:, None] ** 2).clamp_min(1e-30))
    w = torch.softmax(logits, 1)
    E = torch.cat([w @ y - x, -z[:, None]], 1)  # [B, N+1]
    return N**0.5 * E / (E.norm(dim=1, keepdim=True) + gamma)


with torch.no_grad():
    for k in range(2):
        pfgm_target(ps[k % len(ps)])
    times = []
    for k in range(RUNS):
        t0 = time.perf_counter()
        pfgm_target(ps[k % len(ps)])
        times.append((time.perf_counter() - t0) * 1000)
    if a.inputs is not None:
        pfgm_target(ps[0]).numpy().astype("<f4").tofile(os.path.join(a.inputs, "v_torch.f32"))
blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")  # Debian's torch uses the libblas alternative
times.sort()
print(json.dumps({"median_ms": times[len(times) // 2], "min_ms": times[0], "runs": RUNS,
                  "threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas}))
