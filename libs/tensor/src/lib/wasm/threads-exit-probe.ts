// Run by wasm-threads.spec.ts in a child process: it must exit on its own after using threaded wasm.
// With the argument 'stock-first', the stock (single-threaded) wasm backend is initialised before setWasmBackend.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmBackend } from './wasm-threads.js';

if (process.argv.includes('stock-first')) {
  await tf.setBackend('wasm');
  process.stdout.write(`stock threads ${(await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount()}\n`);
}
const r = await setWasmBackend(2);
const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
process.stdout.write(`threads ${r.threads} ${y.dataSync()[0]}\n`); // plain text: console.log may colour numbers
