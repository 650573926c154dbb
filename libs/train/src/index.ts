export * from './lib/adam.js';
export * from './lib/clip.js';
export * from './lib/ema.js';
export * from './lib/fit.js';
export * from './lib/loss.js';
export * from './lib/schedule.js';
export * from './lib/types.js';
export * from './lib/checkpoint.js';
