export * from './fmnist-classifier-params.js';
export * from './fmnist-classifier-forward.js';
export * from './fmnist-classifier-record.js';
export * from './fmnist-input.js';
export * from './fmnist-classifier.js';
export * from './fd-fmnist.js';
