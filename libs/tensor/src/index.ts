export * from './lib/rng.js';
