// U-Net training step with the OpenBLAS kernels (@pfgm/native) vs the plain wasm path, in one process (issue 13):
// the Fashion-MNIST cpu preset's 28×28 net (ddpmpp-small, 16 channels, 1 block, attention at 14, 1 channel) and the
// 32×32×3 bench net (ddpmpp-small, PFGM head), batch 32. A step is @pfgm/train's trainStep, what `fit` runs: weighted
// MSE, tf.variableGrads, global-norm clipping (1), Adam, EMA (0.9999), on a fixed batch (the perturbation is left out;
// it is the method's, not the network's). Rounds alternate native / wasm on the same weights
// and batch; PyTorch (bench/unet_torch.py, the same two nets, Adam only: no clip, no EMA; parameter counts printed side by side) runs before each round. Medians of rounds; then one native
// step is profiled (tf.profile) to show what is left above 5 %.
//   npx tsx --conditions=@pfgm/source libs/networks/bench/unet-native.bench.ts   env BENCH_ROUNDS (3), BENCH_ITERS (3),
//   BENCH_SKIP_TORCH=1, BENCH_PROFILE=never
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadNative } from '@pfgm/native';
import { initBackend, registerWasmKernels, Rng } from '@pfgm/tensor';
import { buildNetwork, preset, type Network } from '@pfgm/networks';
// The step is training's own, not a copy. Benches may compose libraries (the boundary rules cover src/ only); the
// next line keeps this import out of Nx's project graph, where it would make a networks ↔ train cycle.
// nx-ignore-next-line
import { disposeAdam, initState, trainStep, type FitOptions, type Perturber, type TrainState } from '@pfgm/train';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ITERS = Number(process.env.BENCH_ITERS ?? 3);
const BATCH = 32;

interface Case {
  name: string;
  /** unet_torch.py's arguments for the same architecture. */
  torchArgs: string[];
  net: Network;
  state: TrainState;
  x: tf.Tensor;
  cond: tf.Tensor1D;
  target: tf.Tensor;
}

function makeCase(name: string, overrides: object, inShape: number[], outShape: number[], seed: number, torchArgs: string[]): Case {
  const net = buildNetwork(preset('ddpmpp-small', overrides), { inShape, outShape }, new Rng(seed));
  const rng = new Rng(seed + 1);
  return {
    name,
    torchArgs,
    net,
    state: initState(net),
    x: rng.normal([BATCH, ...inShape]),
    cond: tf.tensor1d(Float32Array.from(rng.uniformArray(BATCH), (u) => 40 * u)) as tf.Tensor1D,
    target: rng.normal([BATCH, ...outShape]),
  };
}

/** Training options of the step: the PFGM / VP CIFAR-10 ones (lr 2e-4, clip 1, EMA 0.9999), no warm-up. */
const FIT: FitOptions = { steps: Number.MAX_SAFE_INTEGER, batchSize: BATCH, lr: 2e-4, warmup: 0, gradClip: 1, ema: { kind: 'decay', beta: 0.9999 }, seed: 0 };

/** The case's fixed batch as a training pair, the loss a plain mean of squares (trainStep disposes the pair: clones). */
const fixedPair = (c: Case): Perturber => ({
  perturb: () => ({ input: c.x.clone(), cond: c.cond.clone(), target: c.target.clone(), weight: tf.fill([BATCH], BATCH / c.target.size) as tf.Tensor1D }),
});

function step(c: Case): void {
  trainStep(c.net, fixedPair(c), { batch: () => tf.zeros([BATCH]) }, c.state, FIT);
}

function medianMs(fn: () => void): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < ITERS; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)];
}

function torchTrainMs(c: Case, threads: number): { ms: number; params: number; label: string } | null {
  if (process.env.BENCH_SKIP_TORCH === '1') return null;
  const script = fileURLToPath(new URL('./unet_torch.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, '--train-steps', String(ITERS), '--forward-steps', '1', '--threads', String(threads), ...c.torchArgs], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { train_ms: number; params: number; torch: string; threads: number };
  return { ms: out.train_ms, params: out.params, label: `torch ${out.torch}, ${out.threads} threads` };
}

const median = (xs: number[]) => {
  const v = [...xs].sort((p, q) => p - q);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

async function main(): Promise<void> {
  const status = loadNative();
  if (!status.available) {
    console.log(`@pfgm/native unavailable (${status.reason}); nothing to compare`);
    return;
  }
  const info = await initBackend('wasm-native');
  const cases = [
    makeCase('28×28×1 (fmnist cpu preset net)', { channels: 16, numBlocks: 1, dropout: 0, attnResolutions: [14] }, [28, 28, 1], [28, 28, 1], 0,
      ['--nf', '16', '--blocks', '1', '--attn', '14', '--size', '28', '--channels', '1', '--dropout', '0', '--head', 'image']),
    makeCase('32×32×3 (bench net, PFGM head)', {}, [32, 32, 3], [32 * 32 * 3 + 1], 10, []),
  ];
  const ms: Record<string, { native: number[]; wasm: number[] }> = {};
  const torch: Record<string, number[]> = {};
  const torchParams: Record<string, number> = {};
  let torchLabel = 'PyTorch skipped or unavailable';
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of cases) {
      const t = torchTrainMs(c, info.threads);
      if (t == null) continue;
      (torch[c.name] ??= []).push(t.ms);
      torchParams[c.name] = t.params;
      torchLabel = t.label;
    }
    for (const side of ['native', 'wasm'] as const) {
      registerWasmKernels(side === 'native' ? { native: status.addon } : {});
      for (const c of cases) (ms[c.name] ??= { native: [], wasm: [] })[side].push(medianMs(() => step(c)));
    }
  }
  registerWasmKernels({ native: status.addon });
  console.log(
    `\nU-Net training step (trainStep: clip, Adam, EMA), batch ${BATCH}; wasm ${info.threads} thread(s), OpenBLAS ${status.addon.getThreads()} thread(s); ${torchLabel}\n` +
      `${ROUNDS} alternating rounds × ${ITERS} steps (medians); load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`,
  );
  console.table(
    cases.map((c) => {
      const n = median(ms[c.name].native);
      const w = median(ms[c.name].wasm);
      const t = torch[c.name] !== undefined ? median(torch[c.name]) : undefined;
      return {
        net: c.name,
        'params (tfjs / torch)': `${c.net.numParams} / ${torchParams[c.name] ?? 'n/a'}`,
        'native ms/step': n.toFixed(0),
        'wasm ms/step': w.toFixed(0),
        'native ÷ wasm': `${(w / n).toFixed(2)}×`,
        'torch ms/step': t?.toFixed(0) ?? 'n/a',
        'native ÷ torch': t == null ? 'n/a' : `${(t / n).toFixed(2)}×`,
      };
    }),
  );
  console.log('target (issue 13): U-Net training step ≥ 2× the wasm path.');
  if (process.env.BENCH_PROFILE !== 'never') {
    for (const c of cases) {
      const p = await tf.profile(() => step(c));
      const byName = new Map<string, number>();
      let total = 0;
      // Kernels only: tf.profile also lists op scopes (e.g. fusedConv2d__op) whose time includes their kernels.
      for (const k of p.kernels.filter((k) => tf.getKernel(k.name, tf.getBackend()) != null)) {
        const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : await k.kernelTimeMs;
        const v = typeof t === 'number' ? t : 0;
        byName.set(k.name, (byName.get(k.name) ?? 0) + v);
        total += v;
      }
      console.log(`\nprofile, native, ${c.name}: kernel time ${total.toFixed(0)} ms; kernels ≥ 5 %:`);
      for (const [name, v] of [...byName].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.05 * total)) {
        console.log(`  ${name.padEnd(24)} ${v.toFixed(1).padStart(8)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %`);
      }
    }
  }
  for (const c of cases) {
    tf.dispose([c.x, c.cond, c.target]);
    disposeAdam(c.state.adam);
    tf.dispose(c.state.ema);
    c.net.dispose();
  }
}

await main();
process.exit(0);
