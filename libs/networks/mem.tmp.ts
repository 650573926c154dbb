import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '@pfgm/tensor';
import { buildNetwork, preset } from '@pfgm/networks';
await tf.setBackend('wasm');
const net = buildNetwork(preset('ddpmpp-small'), { inShape: [32, 32, 3], outShape: [3073] }, new Rng(0));
for (const B of [128]) {
  const x = new Rng(1).normal([B, 32, 32, 3]); const c = tf.ones([B]) as tf.Tensor1D;
  const t0 = Date.now();
  const info = await tf.profile(() => tf.tidy(() => net.apply(x, c).dataSync()));
  console.log('fwd', B, Date.now() - t0, 'ms peak MB', info.peakBytes / 1e6);
}
const B = 32; const x = new Rng(1).normal([B, 32, 32, 3]); const c = tf.ones([B]) as tf.Tensor1D;
const info = await tf.profile(() => { try { const g = tf.variableGrads(() => tf.mean(tf.square(net.apply(x, c, true))) as tf.Scalar, net.trainableWeights); tf.dispose(g.grads); g.value.dispose(); } catch (e) { console.log('ERR', (e as Error).message); } });
console.log('train peak MB', info.peakBytes / 1e6);
