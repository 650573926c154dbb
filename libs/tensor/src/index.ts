import './lib/gradients.js';
export * from './lib/rng.js';
