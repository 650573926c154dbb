// Run by wasm-threads.spec.ts in a child process: it must exit on its own after using threaded wasm.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmBackend } from './wasm-threads.js';

const r = await setWasmBackend(2);
const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
console.log('threads', r.threads, y.dataSync()[0]);
