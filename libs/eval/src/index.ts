export * from './lib/gaussian-stats.js';
export * from './lib/frechet-distance.js';
export * from './lib/inception-score.js';
