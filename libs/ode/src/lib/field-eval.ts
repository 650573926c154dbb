import * as tf from '@tensorflow/tfjs-core';
import type { VectorField } from './types.js';

/** Wraps a vector field: counts evaluations (NFE), checks the output shape, and always returns a tensor the solver owns. */
export class CountedField {
  /** Field evaluations so far. */
  nfe = 0;

  constructor(
    private readonly f: VectorField,
    private readonly solver: string,
  ) {}

  /** f(x, t) as a fresh tensor (a clone if the field returned its argument), shape-checked against x. */
  eval(x: tf.Tensor, t: number): tf.Tensor {
    this.nfe++;
    const d = this.f(x, t);
    if (!isTensor(d)) {
      throw new TypeError(`${this.solver}: the vector field returned ${d === undefined ? 'undefined' : typeof d} at t = ${t}; ` +
        'it must return a tf.Tensor dx/dt with the shape of x.');
    }
    if (!sameShape(d.shape, x.shape)) {
      d.dispose();
      throw new RangeError(`${this.solver}: the vector field returned shape [${d.shape}] at t = ${t}, ` +
        `expected [${x.shape}] (the shape of x); return dx/dt for every element of the state.`);
    }
    if (x.isDisposed) {
      if (d !== x) d.dispose();
      throw new Error(`${this.solver}: the vector field disposed its argument x at t = ${t}; fields must not dispose x.`);
    }
    return d === x ? d.clone() : d;
  }
}

/** Duck-typed (robust to a second copy of tfjs-core in node_modules). */
function isTensor(v: unknown): v is tf.Tensor {
  return typeof v === 'object' && v !== null && Array.isArray((v as tf.Tensor).shape) && typeof (v as tf.Tensor).dataSync === 'function';
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
