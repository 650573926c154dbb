export * from './lib/types.js';
export * from './lib/euler.js';
export * from './lib/heun.js';
export * from './lib/rk4.js';
export * from './lib/rk45.js';
export * from './lib/time-grids.js';
export * from './lib/augmented.js';
export * from './lib/solve.js';
