"""PyTorch reference timing for libs/field/bench/pfgm-target.bench.ts (run by it; not a runtime dependency).

The same computation as `pfgmTarget` in @pfgm/field: d² by one matmul against a precomputed yᵀ, weights
softmax(−(N+1)/2·log1p((d² − d0)/(d0 + z²))), E = (w·y − x, −z), v = √N·E/(‖E‖ + γ). float32, 2 threads.
Prints one JSON line: {"median_ms", "min_ms", "runs", "threads", "torch"}.
Usage: /usr/bin/python3 pfgm_target_torch.py [B] [B_L] [N] [runs]
"""
import json
import sys
import time

import torch

B, BL, N, RUNS = (int(v) for v in (sys.argv[1:5] + ["128", "4096", "3072", "10"][len(sys.argv[1:5]):]))
torch.set_num_threads(2)
g = torch.Generator().manual_seed(0)
y = torch.rand(BL, N, generator=g) * 2 - 1  # [B_L, N], the large batch
x = y[:B] + 0.5 * torch.randn(B, N, generator=g)  # perturbed small batch (its sources are rows 0..B-1)
z = torch.rand(B, generator=g) * 10
p = torch.cat([x, z[:, None]], 1)  # [B, N+1]
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
    for _ in range(2):
        pfgm_target(p)
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        pfgm_target(p)
        times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({"median_ms": times[len(times) // 2], "min_ms": times[0], "runs": RUNS,
                  "threads": torch.get_num_threads(), "torch": torch.__version__}))
