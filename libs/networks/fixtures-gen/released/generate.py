#!/usr/bin/python3
"""Fixtures for the released-checkpoint loaders: tiny official networks, saved as the official code saves them.

Runs the *official* code, read at generation time from the public repositories' git mirrors into a scratch folder
(never committed):
  score_sde    github.com/yang-song/score_sde_pytorch  (models/, op/, sde_lib.py, utils.py)
  poisson      github.com/Newbeeer/Poisson_flow        (models/, op/, methods.py, utils.py)
  edm          github.com/NVlabs/edm                   (training/, torch_utils/, dnnlib/)
  pfgmpp       github.com/Newbeeer/pfgmpp              (training/, torch_utils/, dnnlib/)
Each fixture instantiates the official NCSNpp class with small channel counts (via the official
`models.utils.create_model`, hence DataParallel `module.` keys), gives every weight a random value of a sensible
scale (the official init_scale=0 would make the residual branches vanish and test nothing), takes one Adam step
(lr 0.05, so raw and EMA weights differ visibly; the other fixtures move the raw weights by noise and keep the
step-0 optimizer state, to stay small) and one official `ExponentialMovingAverage.update`, saves the state
with the official `utils.save_checkpoint`, and records the official forward output, raw and EMA weights, on fixed
inputs and noise labels.

The EDM-family fixtures instantiate the official `EDMPrecond(model_type='SongUNet')` with the `ncsnpp` (PFGM++,
D = 128, unconditional) or `ddpmpp` (EDM, class-conditional, augment_dim 9) keyword arguments of the official
train.py, randomized the same way, and save them as the official training loops do: EDM's
`network-snapshot-*.pkl` (`pickle.dump(dict(ema, loss_fn, augment_pipe, dataset_kwargs))` of CPU copies in eval
mode, persistence-wrapped) and PFGM++'s `training-state-*.pt` (`torch.save(dict(optimizer_state, step, ema, net))`).
They record `net.model(c_in·x, c_noise, labels)` (the SongUNet output F_x) and `net(x, σ, labels)` (D_x).

Patches in the scratch copy only (documented, none touches the computation):
  - `op/upfirdn2d.py` and `op/fused_act.py` compile CUDA extensions at import (`torch.utils.cpp_extension.load`);
    the load call is replaced by `None`. On CPU `op.upfirdn2d` dispatches to its own `upfirdn2d_native` (pure
    torch), the path this generator exercises (fir=True fixture). `fused_act` is never used by NCSN++.
  - `utils.py` imports tensorflow (used only by `restore_checkpoint`'s gfile calls); a stub module stands in.
  - Poisson_flow `sampling.py`: `torch.ones((len(x))).cuda() * z` in the RK45 ODE function becomes `.to(x.device)`;
    its image-saving imports (tqdm, PIL, torchvision) are stubbed.
  - pfgmpp `generate.py` imports click, PIL, torchvision at module level: only its `edm_sampler` function is taken
    (ast) and run unchanged.

Usage (from the repository root; Debian's python3-torch, CPU):
  /usr/bin/python3 libs/networks/fixtures-gen/released/generate.py \
      --score-sde /path/to/score_sde_pytorch.git --poisson-flow /path/to/Poisson_flow.git \\
      --edm /path/to/edm.git --pfgmpp /path/to/pfgmpp.git
Writes libs/networks/src/lib/fixtures/released/<name>/{checkpoint_1.pth | training-state-*.pt |
network-snapshot-*.pkl, expected.json, sampler-*.json} and manifest.json (sha256 of each file). The output is
deterministic except inside EDM's .pkl: torch pickles each storage as an embedded legacy torch.save whose storage key
is the storage's memory address, so a rerun changes those keys (and the file's sha256), never a value.

Sampler fixtures (end-to-end parity, checked by libs/methods/src/lib/released-samplers.spec.ts): the official VP
probability-flow RK45 with noise removal (score_sde `sampling.py::get_ode_sampler`, rtol = atol = 1e-5, ε 1e-3) on the
VP fixture network; the official PFGM
RK45 (Poisson_flow `sampling.py::get_rk45_sampler_pfgm`, scipy `solve_ivp`) on the PFGM fixture network, EMA weights,
cifar10 sampling settings (z_max 40, ε 1e-3, z_exp 5, γ 5, rtol = atol = 1e-4), latents drawn like
`Poisson.prior_sampling`; and PFGM++'s Heun (`generate.py::edm_sampler`, pfgmpp=True, 6 steps) on the PFGM++ one.
"""
import argparse
import ast
import copy
import pickle
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'src', 'lib', 'fixtures', 'released'))
MODULES = ('models', 'op', 'sde_lib', 'methods', 'utils', 'tensorflow', 'training', 'torch_utils', 'dnnlib', 'sampling',
           'tqdm', 'PIL', 'torchvision')


def ns(**kw):
  return types.SimpleNamespace(**kw)


def extract(mirror, paths, dest):
  """git archive HEAD <paths> | tar -x -C dest; returns the commit."""
  os.makedirs(dest, exist_ok=True)
  archive = subprocess.run(['git', '-C', mirror, 'archive', 'HEAD', *paths], check=True, capture_output=True).stdout
  subprocess.run(['tar', '-x', '-C', dest], input=archive, check=True)
  return subprocess.run(['git', '-C', mirror, 'rev-parse', 'HEAD'], check=True, capture_output=True, text=True).stdout.strip()


def patch_cuda_ops(root):
  """Replaces the import-time CUDA builds of op/*.py by None (see the module docstring)."""
  for name in ('upfirdn2d.py', 'fused_act.py'):
    path = os.path.join(root, 'op', name)
    src = open(path).read()
    patched, n = re.subn(r'^(\w+) = load\(.*?^\)\n', r'\1 = None  # patched by generate.py: no CUDA build on CPU\n',
                         src, flags=re.S | re.M)
    assert n == 1, f'{path}: expected one load(...) call, found {n}'
    open(path, 'w').write(patched)


def import_official(root):
  """Imports models.ncsnpp, models.utils, models.ema and utils from `root` (fresh, repos share module names)."""
  for m in list(sys.modules):
    if m.split('.')[0] in MODULES:
      del sys.modules[m]
  sys.path.insert(0, root)
  sys.modules['tensorflow'] = types.ModuleType('tensorflow')  # stub: utils.py's gfile use is restore-only
  try:
    from models import ncsnpp, ema, utils as mutils  # noqa: F401  (ncsnpp registers the model)
    import utils
    return ns(mutils=mutils, ema=ema, utils=utils)
  finally:
    sys.path.remove(root)


def official_config(*, sde, nf, ch_mult, blocks, attn, image, channels, fir, skip_rescale, embedding):
  """The fields NCSNpp reads, with the values of configs/vp/cifar10_ddpmpp_continuous.py and
  Poisson_flow configs/poisson/cifar10_ddpmpp.py except the sizes and the options under test."""
  model = ns(name='ncsnpp', nf=nf, ch_mult=ch_mult, num_res_blocks=blocks, attn_resolutions=attn,
             resamp_with_conv=True, conditional=True, dropout=0.1, nonlinearity='swish', normalization='GroupNorm',
             scale_by_sigma=False, sigma_min=0.01, sigma_max=50, num_scales=1000, beta_min=0.1, beta_max=20.,
             fir=fir, fir_kernel=[1, 3, 3, 1], skip_rescale=skip_rescale, resblock_type='biggan',
             progressive='none', progressive_input='none', progressive_combine='sum', attention_type='ddpm',
             init_scale=0., fourier_scale=16, embedding_type=embedding, conv_size=3, ema_rate=0.9999)
  data = ns(image_size=image, num_channels=channels, centered=True)
  return ns(model=model, data=data, training=ns(sde=sde, continuous=True), device=torch.device('cpu'))


def randomize(model, gen):
  """Every trainable weight random at a sensible scale; the fixed Fourier W keeps its official N(0, 16²) draw."""
  with torch.no_grad():
    for name, p in model.named_parameters():
      if not p.requires_grad:
        continue
      if p.dim() == 1:
        base = 1.0 if ('GroupNorm' in name and name.endswith('weight')) else 0.0
        p.copy_(base + 0.1 * torch.randn(p.shape, generator=gen))
      else:
        fan_in = p.shape[0] if name.endswith('.W') else p[0].numel()  # NIN W is [in, out]
        p.copy_(torch.randn(p.shape, generator=gen) / np.sqrt(fan_in))


def tensor_json(t):
  t = t.detach().to(torch.float32).contiguous()
  # shortest decimal that round-trips to the same float32 (Math.fround of the parsed double gives it back)
  return {'shape': list(t.shape), 'data': [float(str(np.float32(v))) for v in t.flatten().tolist()]}


def output_json(out):
  if isinstance(out, tuple):  # Poisson_flow: (x-part [B, C, H, W], z-part [B])
    return {'x': tensor_json(out[0]), 'z': tensor_json(out[1])}
  return {'x': tensor_json(out)}


def make_fixture(name, family, root, commit, cfg, labels, seed, adam_step):
  off = import_official(root)
  torch.manual_seed(seed)
  gen = torch.Generator().manual_seed(seed)
  model = off.mutils.create_model(cfg)  # official: NCSNpp → .to(device) → DataParallel
  randomize(model, gen)
  optimizer = torch.optim.Adam(model.parameters(), lr=0.05, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
  ema = off.ema.ExponentialMovingAverage(model.parameters(), decay=cfg.model.ema_rate)
  C, S = cfg.data.num_channels, cfg.data.image_size
  x = torch.randn((2, C, S, S), generator=gen)
  t = torch.tensor(labels, dtype=torch.float32)

  # One training step (any loss: the point is a populated Adam state and raw ≠ EMA weights), then EMA update.
  # Without adam_step the raw weights move by noise instead and the optimizer state stays empty (a step-0 state
  # dict): the file is then half the size.
  if adam_step:
    model.train()
    out = model(x, t)
    loss = sum(o.square().mean() for o in (out if isinstance(out, tuple) else (out,)))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
  else:
    with torch.no_grad():
      for p in model.parameters():
        if p.requires_grad:
          p.add_(0.05 * torch.randn(p.shape, generator=gen))
  ema.update(model.parameters())
  state = dict(optimizer=optimizer, model=model, ema=ema, step=1)
  os.makedirs(os.path.join(OUT, name), exist_ok=True)
  ckpt = os.path.join(OUT, name, 'checkpoint_1.pth')
  off.utils.save_checkpoint(ckpt, state)  # official

  model.eval()
  with torch.no_grad():
    raw = model(x, t)
    ema.store(model.parameters())
    ema.copy_to(model.parameters())  # official evaluation path (run_lib.py)
    averaged = model(x, t)
    ema.restore(model.parameters())
  expected = {
    'family': family, 'commit': commit, 'seed': seed,
    'config': {'model': vars(cfg.model), 'data': vars(cfg.data), 'training': vars(cfg.training)},
    'input': tensor_json(x), 'labels': tensor_json(t), 'raw': output_json(raw), 'ema': output_json(averaged),
    'numParams': sum(p.numel() for p in model.parameters()),
  }
  with open(os.path.join(OUT, name, 'expected.json'), 'w') as f:
    json.dump(expected, f, separators=(',', ':'))
  if family == 'poisson_flow':
    ema.copy_to(model.parameters())
    pfgm_rk45_fixture(name, root, cfg, model, gen)
  if name == 'score-sde-ddpmpp':
    ema.copy_to(model.parameters())
    vp_rk45_fixture(name, root, cfg, model, gen)
  return ckpt


def vp_rk45_fixture(name, root, cfg, model, gen):
  """Official VP probability-flow RK45 (score_sde sampling.py get_ode_sampler, scipy) with noise removal, as
  run_lib's evaluation configures it for configs/vp/cifar10_ddpmpp_continuous.py (sampling.noise_removal True)."""
  sys.path.insert(0, root)
  try:
    import sde_lib
    import sampling
  finally:
    sys.path.remove(root)
  settings = dict(beta_min=0.1, beta_max=20., N=1000, eps=1e-3, rtol=1e-5, atol=1e-5, denoise=1)
  sde = sde_lib.VPSDE(beta_min=settings['beta_min'], beta_max=settings['beta_max'], N=settings['N'])
  C, S = cfg.data.num_channels, cfg.data.image_size
  shape = (2, C, S, S)
  latents = torch.randn(shape, generator=gen)  # VPSDE.prior_sampling: N(0, I)
  sampler = sampling.get_ode_sampler(sde, shape, lambda x: x, denoise=True, rtol=settings['rtol'], atol=settings['atol'],
                                     eps=settings['eps'], device='cpu')
  x, nfe = sampler(model, z=latents.clone())
  with open(os.path.join(OUT, name, 'sampler-rk45.json'), 'w') as f:
    json.dump({'sampler': 'score_sde sampling.py get_ode_sampler (scipy RK45, denoise=True), EMA weights, inverse_scaler identity',
               'settings': settings, 'latents': tensor_json(latents), 'x': tensor_json(x), 'nfe': int(nfe)}, f, separators=(',', ':'))


def pfgm_rk45_fixture(name, root, cfg, model, gen):
  """Official PFGM RK45 (Poisson_flow sampling.py get_rk45_sampler_pfgm, scipy solve_ivp) from fixed latents."""
  src = open(os.path.join(root, 'sampling.py')).read()
  # Scratch-only patch: the official ODE function moves z to CUDA; on CPU keep it on x's device.
  patched = src.replace('torch.ones((len(x))).cuda() * z', 'torch.ones((len(x))).to(x.device) * z')
  assert patched != src
  open(os.path.join(root, 'sampling.py'), 'w').write(patched)
  for stub in ('tqdm', 'PIL', 'torchvision', 'torchvision.utils'):  # imported by sampling.py for its image output only
    mod = types.ModuleType(stub)
    mod.tqdm = mod.Image = mod.make_grid = mod.save_image = mod.utils = None
    sys.modules[stub] = mod
  sys.path.insert(0, root)
  try:
    import methods
    import sampling
  finally:
    sys.path.remove(root)
  settings = dict(z_max=40., z_min=1e-3, z_exp=5, gamma=5, upper_norm=3000, rtol=1e-4, atol=1e-4)
  config = ns(data=ns(**vars(cfg.data), channels=cfg.data.num_channels),
              sampling=ns(z_max=settings['z_max'], z_exp=settings['z_exp'], upper_norm=settings['upper_norm'], vs=False, N=100),
              training=ns(gamma=settings['gamma'], M=291, sde='poisson'))
  sde = methods.Poisson(config)
  C, S = cfg.data.num_channels, cfg.data.image_size
  shape = (2, C, S, S)
  # Latents on the z = z_max hyperplane, drawn like Poisson.prior_sampling (fixed here; its CUDA calls aside).
  r = np.random.RandomState(7).beta(a=(C * S * S + 1) / 2. - 0.5, b=0.5, size=2)
  radius = np.clip(np.sqrt(settings['z_max'] ** 2 * r / (1 - r)), 1, settings['upper_norm'])
  direction = torch.randn((2, C * S * S), generator=gen, dtype=torch.float64)
  latents = (direction / direction.norm(dim=1, keepdim=True) * torch.from_numpy(radius)[:, None]).float().view(shape)
  sampler = sampling.get_rk45_sampler_pfgm(sde, shape, lambda x: x, rtol=settings['rtol'], atol=settings['atol'],
                                           eps=settings['z_min'], device='cpu')
  x, nfe = sampler(model, x=latents.clone())
  with open(os.path.join(OUT, name, 'sampler-rk45.json'), 'w') as f:
    json.dump({'sampler': 'Poisson_flow sampling.py get_rk45_sampler_pfgm (scipy RK45), EMA weights, inverse_scaler identity',
               'settings': settings, 'latents': tensor_json(latents), 'x': tensor_json(x), 'nfe': int(nfe)}, f, separators=(',', ':'))


def import_edm(root):
  """Imports training.networks, training.loss, training.augment from an EDM-family checkout at `root`."""
  for m in list(sys.modules):
    if m.split('.')[0] in MODULES:
      del sys.modules[m]
  sys.path.insert(0, root)
  try:
    from training import networks, loss, augment
    return ns(networks=networks, loss=loss, augment=augment)
  finally:
    sys.path.remove(root)


# SongUNet keyword arguments of the official train.py (--arch ncsnpp / ddpmpp), small sizes.
EDM_ARCH = {
  'ncsnpp': dict(model_type='SongUNet', embedding_type='fourier', encoder_type='residual', decoder_type='standard',
                 channel_mult_noise=2, resample_filter=[1, 3, 3, 1]),
  'ddpmpp': dict(model_type='SongUNet', embedding_type='positional', encoder_type='standard', decoder_type='standard',
                 channel_mult_noise=1, resample_filter=[1, 1]),
}


def edm_fixture(name, family, root, commit, arch, label_dim, augment_dim, pfgmpp, seed):
  off = import_edm(root)
  torch.manual_seed(seed)
  gen = torch.Generator().manual_seed(seed)
  kwargs = dict(EDM_ARCH[arch], model_channels=4, channel_mult=[1, 2], num_blocks=1, attn_resolutions=[4], dropout=0.13)
  if augment_dim:
    kwargs['augment_dim'] = augment_dim
  interface = dict(img_resolution=8, img_channels=3, label_dim=label_dim)
  if pfgmpp:
    interface.update(pfgmpp=True, D=128)  # pfgmpp training_loop.py's interface_kwargs
  net = off.networks.EDMPrecond(**kwargs, **interface)
  net.train().requires_grad_(True)
  randomize(net, gen)
  ema = copy.deepcopy(net).eval().requires_grad_(False)
  with torch.no_grad():  # the raw weights move on; EMA stays behind (as after some training steps)
    for p in net.parameters():
      p.add_(0.05 * torch.randn(p.shape, generator=gen))
  optimizer = torch.optim.Adam(net.parameters(), lr=10e-4, betas=(0.9, 0.999), eps=1e-8)
  os.makedirs(os.path.join(OUT, name), exist_ok=True)
  if pfgmpp:  # pfgmpp training/training_loop.py: torch.save(dict(optimizer_state, step, ema, net))
    loss_fn = off.loss.EDMLoss(D=128, N=3 * 8 * 8)
    path = os.path.join(OUT, name, 'training-state-000001.pt')
    torch.save(dict(optimizer_state=optimizer.state_dict(), step=1000, ema=ema, net=net), path)
  else:  # edm training/training_loop.py: pickle.dump of eval-mode CPU copies
    loss_fn = off.loss.EDMLoss()
    augment_pipe = off.augment.AugmentPipe(p=0.12, xflip=1e8, yflip=1, scale=1, rotate_frac=1, aniso=1, translate_frac=1)
    data = dict(ema=ema, loss_fn=loss_fn, augment_pipe=augment_pipe, dataset_kwargs=dict(class_name='training.dataset.ImageFolderDataset', path='cifar10-32x32.zip', use_labels=True))
    for key, value in data.items():
      if isinstance(value, torch.nn.Module):
        data[key] = copy.deepcopy(value).eval().requires_grad_(False).cpu()
    path = os.path.join(OUT, name, 'network-snapshot-000001.pkl')
    with open(path, 'wb') as f:
      pickle.dump(data, f)

  x = torch.randn((2, 3, 8, 8), generator=gen) * torch.tensor([0.5, 12.0]).reshape(-1, 1, 1, 1)
  sigma = torch.tensor([0.5, 12.0])
  labels = torch.nn.functional.one_hot(torch.tensor([3, 7]), label_dim).float() if label_dim else None

  def outputs(model):
    model = copy.deepcopy(model).eval()
    with torch.no_grad():
      s = sigma.reshape(-1, 1, 1, 1)
      c_in = 1 / (model.sigma_data ** 2 + s ** 2).sqrt()
      c_noise = s.log() / 4
      F_x = model.model(c_in * x, c_noise.flatten(), class_labels=labels)
      D_x = model(x, sigma, labels)
    return {'F': tensor_json(F_x), 'D': tensor_json(D_x), 'c_noise': tensor_json(c_noise.flatten()), 'c_in': tensor_json(c_in.flatten())}

  expected = {
    'family': family, 'commit': commit, 'seed': seed, 'arch': arch, 'kwargs': kwargs, 'interface': interface,
    'input': tensor_json(x), 'sigma': tensor_json(sigma), 'labels': tensor_json(labels) if labels is not None else None,
    'ema': outputs(ema), 'numParams': sum(p.numel() for p in ema.parameters()),
  }
  if pfgmpp:
    expected['raw'] = outputs(net)
  with open(os.path.join(OUT, name, 'expected.json'), 'w') as f:
    json.dump(expected, f, separators=(',', ':'))
  if pfgmpp:
    edm_heun_fixture(name, root, ema, gen)
  return path


def edm_heun_fixture(name, root, net, gen):
  """Official PFGM++ Heun sampler (pfgmpp generate.py edm_sampler, pfgmpp=True: x_T = the latents) from fixed latents.

  generate.py imports click, PIL, torchvision and the CUDA-only distributed utilities at module level, so only the
  `edm_sampler` function is taken from it (ast) and run unchanged with torch and numpy as its globals.
  """
  tree = ast.parse(open(os.path.join(root, 'generate.py')).read())
  fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'edm_sampler')
  scope = {'torch': torch, 'np': np}
  exec(compile(ast.Module(body=[fn], type_ignores=[]), 'generate.py', 'exec'), scope)
  settings = dict(num_steps=6, sigma_min=0.002, sigma_max=80, rho=7)
  latents = torch.randn((2, 3, 8, 8), generator=gen) * settings['sigma_max']
  with torch.no_grad():
    x, _ = scope['edm_sampler'](net, latents, None, **settings, pfgmpp=True)
  with open(os.path.join(OUT, name, 'sampler-heun.json'), 'w') as f:
    json.dump({'sampler': 'pfgmpp generate.py edm_sampler (Heun, S_churn 0), EMA network, pfgmpp=True',
               'settings': settings, 'latents': tensor_json(latents), 'x': tensor_json(x), 'nfe': 2 * settings['num_steps'] - 1},
              f, separators=(',', ':'))


def sha256(path):
  return hashlib.sha256(open(path, 'rb').read()).hexdigest()


def main():
  ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  ap.add_argument('--score-sde', required=True, help='git dir of yang-song/score_sde_pytorch')
  ap.add_argument('--poisson-flow', required=True, help='git dir of Newbeeer/Poisson_flow')
  ap.add_argument('--edm', required=True, help='git dir of NVlabs/edm')
  ap.add_argument('--pfgmpp', required=True, help='git dir of Newbeeer/pfgmpp')
  a = ap.parse_args()
  torch.set_num_threads(1)
  scratch = tempfile.mkdtemp(prefix='pfgm-official-')
  sizes = dict(nf=4, ch_mult=(1, 2), blocks=1, attn=(4,), image=8, channels=3)
  written = []

  root = os.path.join(scratch, 'score_sde')
  commit = extract(a.score_sde, ['models', 'op', 'sde_lib.py', 'utils.py', 'sampling.py'], root)
  patch_cuda_ops(root)
  # VP DDPM++ (configs/vp/cifar10_ddpmpp_continuous.py): positional embedding of t·999, no FIR, skip_rescale.
  cfg = official_config(sde='vpsde', fir=False, skip_rescale=True, embedding='positional', **sizes)
  written.append(make_fixture('score-sde-ddpmpp', 'score_sde', root, commit, cfg, [12.5, 871.0], 1, False))
  # Same class with the NCSN++ options the released VE configs use: FIR [1,3,3,1] resampling, Fourier embedding.
  cfg = official_config(sde='vpsde', fir=True, skip_rescale=True, embedding='fourier', **sizes)
  written.append(make_fixture('score-sde-ncsnpp-fir', 'score_sde', root, commit, cfg, [0.05, 20.0], 2, False))

  root = os.path.join(scratch, 'poisson_flow')
  commit = extract(a.poisson_flow, ['models', 'op', 'methods.py', 'utils.py', 'sampling.py'], root)
  patch_cuda_ops(root)
  # PFGM DDPM++ (Poisson_flow configs/poisson/cifar10_ddpmpp.py): N+1 outputs, positional embedding of z.
  cfg = official_config(sde='poisson', fir=False, skip_rescale=True, embedding='positional', **sizes)
  written.append(make_fixture('poisson-flow-ddpmpp', 'poisson_flow', root, commit, cfg, [0.37, 35.0], 3, False))

  edm_paths = ['training/networks.py', 'training/loss.py', 'training/augment.py', 'training/__init__.py', 'torch_utils', 'dnnlib']
  root = os.path.join(scratch, 'pfgmpp')
  commit = extract(a.pfgmpp, edm_paths + ['generate.py'], root)
  # PFGM++ (Newbeeer/pfgmpp train.py --arch ncsnpp --pfgmpp 1 --aug_dim 128): unconditional, training-state-*.pt.
  written.append(edm_fixture('pfgmpp-ncsnpp', 'pfgmpp', root, commit, 'ncsnpp', 0, 0, True, 4))
  root = os.path.join(scratch, 'edm')
  commit = extract(a.edm, edm_paths, root)
  # EDM (NVlabs/edm train.py --arch ddpmpp --cond 1, augment 0.12 → augment_dim 9): network-snapshot-*.pkl.
  written.append(edm_fixture('edm-ddpmpp-cond', 'edm', root, commit, 'ddpmpp', 10, 9, False, 5))

  files = [os.path.join(os.path.dirname(p), f) for p in written for f in sorted(os.listdir(os.path.dirname(p)))]
  manifest = {os.path.relpath(p, OUT): sha256(p) for p in files}
  manifest['torch'] = torch.__version__
  with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
  for p in written:
    print(p, os.path.getsize(p), 'bytes')


if __name__ == '__main__':
  main()
