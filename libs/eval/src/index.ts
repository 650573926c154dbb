export * from './lib/gaussian-stats.js';
export * from './lib/frechet-distance.js';
export * from './lib/inception-score.js';
export * from './lib/npy.js';
export * from './lib/npz.js';
