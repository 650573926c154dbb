export * from './lib/defaults.js';
export * from './lib/open-run.js';
export * from './lib/progress.js';
export * from './lib/run-config.js';
export * from './lib/solver-options.js';
export * from './lib/train-run.js';
export * from './lib/write-samples.js';
