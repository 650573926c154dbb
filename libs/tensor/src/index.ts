import './lib/gradients.js';
export * from './lib/rng.js';
export type { RandomSource } from './lib/distributions/random-source.js';
export { sampleGamma, sampleLogGamma } from './lib/distributions/gamma.js';
export { sampleBeta, sampleBetaPrime, type BetaDraw } from './lib/distributions/beta.js';
export { fillDirection, sampleDirections } from './lib/distributions/sphere.js';
