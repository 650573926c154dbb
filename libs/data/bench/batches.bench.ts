// Cost of building a training batch (gather + uint8 → [−1, 1] + optional flip + tensor) relative to the minimum work.
// Run: npm run bench -w @pfgm/data   (env PFGM_BENCH_BACKEND=wasm|cpu, default cpu: only tf.tensor upload is involved)
// Reference, same job: a plain loop converting the same number of contiguous bytes, then the same tf.tensor upload. A ratio near 1 means the shuffle gather and flip cost nothing extra.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Bench } from 'tinybench';
import { batches, ImageDataset } from '../src/index.js';

await tf.setBackend(process.env.PFGM_BENCH_BACKEND ?? 'cpu');
const [N, S, C, B] = [10_000, 32, 3, 128]; // CIFAR-10-shaped images, PFGM batch size 128
const pixels = Uint8Array.from({ length: N * S * S * C }, (_, i) => (i * 2654435761) >>> 24);
const ds = new ImageDataset('bench', pixels, S, S, C);
const per = S * S * C;

function reference(): void {
  const x = new Float32Array(B * per);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 127.5 - 1;
  tf.tensor(x, [B, S, S, C]).dispose();
}

function oneBatch(flip: boolean): () => void {
  let it = batches(ds, { batchSize: B, seed: 0, epoch: 0, flip });
  let epoch = 0;
  return () => {
    let next = it.next();
    if (next.done) {
      it = batches(ds, { batchSize: B, seed: 0, epoch: ++epoch, flip });
      next = it.next();
    }
    next.value.x.dispose();
  };
}

const bench = new Bench({ name: `data batches [${B}, ${S}, ${S}, ${C}] from N=${N}, ${tf.getBackend()}`, time: 1500, warmup: true });
bench.add('reference: contiguous convert', reference);
bench.add('batches (shuffled)', oneBatch(false));
bench.add('batches (shuffled + flip)', oneBatch(true));
await bench.run();
const mean = (name: string) => {
  const r = bench.tasks.find((t) => t.name === name)?.result;
  if (r?.state !== 'completed') throw new Error(`bench task ${name} did not complete`);
  return r.latency.mean;
};
const ref = mean('reference: contiguous convert');
console.log(bench.name);
console.table(bench.tasks.map((t) => ({ task: t.name, 'mean ms': mean(t.name).toFixed(3), 'ratio to reference': (mean(t.name) / ref).toFixed(2) })));
// Epoch shuffle of N = 50 000 (CIFAR-10 train), once per epoch.
const t0 = performance.now();
for (let e = 0; e < 20; e++) batches(new ImageDataset('n', new Uint8Array(50_000 * 3), 1, 1, 3), { batchSize: 50_000, seed: 0, epoch: e }).next().value?.x.dispose();
console.log(`epoch permutation + one full-size gather for N = 50 000 tiny images: ${((performance.now() - t0) / 20).toFixed(2)} ms`);
