// Vitest setup for every project: specs run on the pure-JS `cpu` backend unless PFGM_TEST_BACKEND says otherwise.
// Specs that need wasm (kernel parity, threads) select it themselves.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

await tf.setBackend(process.env.PFGM_TEST_BACKEND ?? 'cpu');
