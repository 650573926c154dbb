import { inceptionStateDictShapes } from './inception-layout.js';
import type { StateDict } from './state-dict.js';

/** Chris Wellons' lowbias32 integer hash (uint32 → uint32). */
export function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Counter-based uniform in (0, 1): u(t, i) = (lowbias32(lowbias32(i) + c_t) + 0.5) / 2^32, c_t = lowbias32(0x9E3779B9·(t+1) + seed). */
export function counterUniform(t: number, n: number, seed = 0): Float64Array {
  const c = lowbias32((Math.imul(0x9e3779b9, t + 1) + seed) >>> 0);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = (lowbias32((lowbias32(i) + c) >>> 0) + 0.5) / 4294967296;
  return u;
}

/** Value of state-dict tensor `name` from uniforms (fixtures/make_inception_fixture.py docstring). */
function scale(name: string, shape: number[], u: number): number {
  if (name.endsWith('conv.weight')) return (2 * u - 1) * Math.sqrt(6 / (shape[1] * shape[2] * shape[3]));
  if (name.endsWith('bn.weight')) return 0.5 + u;
  if (name.endsWith('bn.bias')) return 0.2 * (2 * u - 1);
  if (name.endsWith('running_mean')) return 0.1 * (2 * u - 1);
  if (name.endsWith('running_var')) return 0.5 + u;
  if (name === 'fc.weight') return (2 * u - 1) * Math.sqrt(3 / 2048);
  if (name === 'fc.bias') return 0.1 * (2 * u - 1);
  throw new Error(`syntheticInceptionStateDict: no rule for ${name}`);
}

/**
 * Deterministic pseudo-random FID-Inception weights, bit-identical to `synthetic_state_dict()` in
 * `fixtures/make_inception_fixture.py` (parity tests and benchmarks without the real 95 MB file).
 */
export function syntheticInceptionStateDict(seed = 0): StateDict {
  const sd: StateDict = new Map();
  inceptionStateDictShapes().forEach(([name, shape], t) => {
    const u = counterUniform(t, shape.reduce((a, b) => a * b, 1), seed);
    sd.set(name, { shape, data: Float32Array.from(u, (v) => scale(name, shape, v)) });
  });
  return sd;
}
