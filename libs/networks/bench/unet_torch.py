"""PyTorch reference for unet.bench.ts: the same DDPM++ U-Net (`ddpmpp-small` with the PFGM head) in PyTorch.

Architecture = score_sde_pytorch models/ncsnpp.py with the DDPM++ config (resblock_type 'biggan', skip_rescale,
GroupNorm(min(C/4, 32)), positional embedding, no FIR, no progressive growing) at nf 32, ch_mult (1, 2),
2 blocks, attention at 16, dropout 0.1, output C+1 channels with the z-scalar = spatial mean of the last channel.
Written here so it runs without score_sde's CUDA ops; its parameter count is printed and must equal the TS one.

Usage: /usr/bin/python3 unet_torch.py [--train-steps 12] [--forward-steps 8] [--threads 2]
       [--nf 32 --blocks 2 --attn 16 --size 32 --channels 3 --dropout 0.1 --head pfgm|image]
       (the Fashion-MNIST cpu preset's net: --nf 16 --blocks 1 --attn 14 --size 28 --channels 1 --dropout 0 --head image)
Prints one JSON line: params, train_ms (per step, median), forward_ms (median), blas.
Reference timings only; never a runtime dependency.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def gn(c):
  return nn.GroupNorm(min(c // 4, 32), c, eps=1e-6)


class ResBlock(nn.Module):
  def __init__(self, cin, cout, temb, dropout, resample=None):
    super().__init__()
    self.norm0, self.conv0 = gn(cin), nn.Conv2d(cin, cout, 3, padding=1)
    self.temb = nn.Linear(temb, cout)
    self.norm1, self.conv1 = gn(cout), nn.Conv2d(cout, cout, 3, padding=1)
    self.dropout = nn.Dropout(dropout)
    self.resample = resample
    self.skip = nn.Conv2d(cin, cout, 1) if cin != cout or resample else None

  def forward(self, x, act_temb):
    h = F.silu(self.norm0(x))
    if self.resample == 'up':
      h, x = F.interpolate(h, scale_factor=2.0, mode='nearest'), F.interpolate(x, scale_factor=2.0, mode='nearest')
    elif self.resample == 'down':
      h, x = F.avg_pool2d(h, 2), F.avg_pool2d(x, 2)
    h = self.conv0(h) + self.temb(act_temb)[:, :, None, None]
    h = self.conv1(self.dropout(F.silu(self.norm1(h))))
    if self.skip is not None:
      x = self.skip(x)
    return (x + h) / math.sqrt(2.0)


class Attn(nn.Module):
  def __init__(self, c):
    super().__init__()
    self.norm = gn(c)
    self.q, self.k, self.v, self.out = (nn.Linear(c, c) for _ in range(4))

  def forward(self, x):
    B, C, H, W = x.shape
    h = self.norm(x).permute(0, 2, 3, 1).reshape(B, H * W, C)
    w = torch.softmax(self.q(h) @ self.k(h).transpose(1, 2) / math.sqrt(C), dim=-1)
    h = self.out(w @ self.v(h)).reshape(B, H, W, C).permute(0, 3, 1, 2)
    return (x + h) / math.sqrt(2.0)


def timestep_embedding(t, dim, max_positions=10000):
  half = dim // 2
  freqs = torch.exp(torch.arange(half, dtype=torch.float32) * -(math.log(max_positions) / (half - 1)))
  args = t.float()[:, None] * freqs[None]
  return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class DDPMpp(nn.Module):
  def __init__(self, nf=32, ch_mult=(1, 2), blocks=2, attn_res=(16,), dropout=0.1, size=32, channels=3, head='pfgm'):
    super().__init__()
    self.nf, self.head = nf, head
    temb = 4 * nf
    self.temb0, self.temb1 = nn.Linear(nf, temb), nn.Linear(temb, temb)
    self.conv_in = nn.Conv2d(channels, nf, 3, padding=1)
    res = [size // 2 ** i for i in range(len(ch_mult))]
    self.down, hs, ch = nn.ModuleList(), [nf], nf
    for i, m in enumerate(ch_mult):
      for _ in range(blocks):
        self.down.append(ResBlock(ch, nf * m, temb, dropout))
        ch = nf * m
        if res[i] in attn_res:
          self.down.append(Attn(ch))
        hs.append(ch)
      if i != len(ch_mult) - 1:
        self.down.append(ResBlock(ch, ch, temb, dropout, 'down'))
        hs.append(ch)
    self.mid = nn.ModuleList([ResBlock(ch, ch, temb, dropout), Attn(ch), ResBlock(ch, ch, temb, dropout)])
    self.up = nn.ModuleList()
    for i in reversed(range(len(ch_mult))):
      for _ in range(blocks + 1):
        self.up.append(ResBlock(ch + hs.pop(), nf * ch_mult[i], temb, dropout))
        ch = nf * ch_mult[i]
      if res[i] in attn_res:
        self.up.append(Attn(ch))
      if i != 0:
        self.up.append(ResBlock(ch, ch, temb, dropout, 'up'))
    self.norm_out, self.conv_out = gn(ch), nn.Conv2d(ch, channels + (1 if head == 'pfgm' else 0), 3, padding=1)

  def forward(self, x, cond):
    temb = F.silu(self.temb1(F.silu(self.temb0(timestep_embedding(cond, self.nf)))))
    hs = [self.conv_in(x)]
    for m in self.down:
      if isinstance(m, Attn):
        hs[-1] = m(hs[-1])
      else:
        hs.append(m(hs[-1], temb))
    h = hs[-1]
    h = self.mid[2](self.mid[1](self.mid[0](h, temb)), temb)
    for m in self.up:
      if isinstance(m, Attn):
        h = m(h)
      elif m.resample == 'up':
        h = m(h, temb)
      else:
        h = m(torch.cat([h, hs.pop()], dim=1), temb)
    h = self.conv_out(F.silu(self.norm_out(h)))
    if self.head == 'image':
      return h
    B = h.shape[0]
    # PFGM head: x-part channels 0..C-1, z = spatial mean of channel C -> [B, N+1]
    return torch.cat([h[:, :-1].permute(0, 2, 3, 1).reshape(B, -1), h[:, -1].mean(dim=(1, 2))[:, None]], dim=1)


def median_ms(fn, steps, warmup=2):
  for _ in range(warmup):
    fn()
  times = []
  for _ in range(steps):
    t0 = time.perf_counter()
    fn()
    times.append((time.perf_counter() - t0) * 1e3)
  return statistics.median(times)


def main():
  p = argparse.ArgumentParser()
  p.add_argument('--train-steps', type=int, default=12)
  p.add_argument('--forward-steps', type=int, default=8)
  p.add_argument('--threads', type=int, default=2)
  p.add_argument('--train-batch', type=int, default=32)
  p.add_argument('--forward-batch', type=int, default=128)
  p.add_argument('--nf', type=int, default=32)
  p.add_argument('--blocks', type=int, default=2)
  p.add_argument('--attn', type=int, default=16)
  p.add_argument('--size', type=int, default=32)
  p.add_argument('--channels', type=int, default=3)
  p.add_argument('--dropout', type=float, default=0.1)
  p.add_argument('--head', choices=['pfgm', 'image'], default='pfgm')
  a = p.parse_args()
  torch.set_num_threads(a.threads)
  torch.manual_seed(0)
  net = DDPMpp(nf=a.nf, blocks=a.blocks, attn_res=(a.attn,), dropout=a.dropout, size=a.size, channels=a.channels, head=a.head)
  params = sum(q.numel() for q in net.parameters())
  opt = torch.optim.Adam(net.parameters(), lr=2e-4)
  S, C = a.size, a.channels
  x = torch.randn(a.train_batch, C, S, S)
  cond = torch.rand(a.train_batch) * 40
  target = torch.randn(a.train_batch, C, S, S) if a.head == 'image' else torch.randn(a.train_batch, C * S * S + 1)

  def train_step():
    opt.zero_grad(set_to_none=True)
    loss = ((net(x, cond) - target) ** 2).mean()
    loss.backward()
    opt.step()

  net.train()
  train_ms = median_ms(train_step, a.train_steps)
  net.eval()
  xf = torch.randn(a.forward_batch, C, S, S)
  cf = torch.rand(a.forward_batch) * 40
  with torch.no_grad():
    forward_ms = median_ms(lambda: net(xf, cf), a.forward_steps, warmup=1)
  blas = [line.strip() for line in torch.__config__.show().splitlines() if 'BLAS' in line]
  print(json.dumps({'params': params, 'train_ms': train_ms, 'forward_ms': forward_ms, 'threads': torch.get_num_threads(),
                    'torch': torch.__version__, 'blas': blas}))


if __name__ == '__main__':
  main()
