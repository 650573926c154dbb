import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';

/** How a weight is initialised (score_sde `default_init` = variance scaling, fan_avg, uniform). */
export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'normal'; std: number }
  /** Uniform(±√(3·scale/fan_avg)); scale 0 means 1e-10 as in score_sde. fan_avg = (fanIn + fanOut) / 2. */
  | { kind: 'varianceScaling'; scale: number; fanIn: number; fanOut: number };

/** A declared weight: its shape is known at once, its value only in a built (allocating) store. */
export interface Param {
  readonly name: string;
  readonly shape: number[];
  readonly value: tf.Variable;
}

let instances = 0;

/**
 * Collects the weights a builder declares, in declaration order. With an `Rng` it allocates `tf.Variable`s;
 * without one it only records shapes (used by `countParams`, so counting runs the very code that builds).
 */
export class ParamStore {
  readonly names: string[] = [];
  readonly shapes: number[][] = [];
  readonly variables: tf.Variable[] = [];
  readonly trainable: boolean[] = [];
  private readonly prefix = `pfgm-net-${instances++}/`;
  private scopes: string[] = [];

  /** `init: false` allocates zeros (for weights that are assigned right after, e.g. from a released checkpoint). */
  constructor(
    private readonly rng: Rng | null,
    private readonly opts: { init?: boolean } = {},
  ) {}

  /** Number of scalars declared. */
  get numParams(): number {
    return this.shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  }

  /** Runs `fn` with `name.` prepended to every weight it declares. */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** Declares a weight. */
  add(name: string, shape: number[], init: Init, trainable = true): Param {
    const full = [...this.scopes, name].join('.');
    if (this.names.includes(full)) throw new Error(`duplicate weight name "${full}" (builder bug)`);
    this.names.push(full);
    this.shapes.push(shape);
    this.trainable.push(trainable);
    if (this.rng === null) {
      return {
        name: full,
        shape,
        get value(): tf.Variable {
          throw new Error(`weight "${full}" was only counted, not built`);
        },
      };
    }
    const n = shape.reduce((a, b) => a * b, 1);
    const data = this.opts.init === false ? new Float32Array(n) : initialValues(init, n, this.rng);
    const initial = tf.tensor(data, shape, 'float32');
    const value = tf.variable(initial, trainable, this.prefix + full);
    initial.dispose(); // the variable keeps its own reference to the data
    this.variables.push(value);
    return { name: full, shape, value };
  }
}

function initialValues(init: Init, n: number, rng: Rng): Float32Array {
  switch (init.kind) {
    case 'zeros':
      return new Float32Array(n);
    case 'ones':
      return new Float32Array(n).fill(1);
    case 'normal':
      return Float32Array.from(rng.normalArray(n), (v) => v * init.std);
    case 'varianceScaling': {
      const scale = init.scale === 0 ? 1e-10 : init.scale;
      const limit = Math.sqrt((3 * scale) / ((init.fanIn + init.fanOut) / 2));
      return Float32Array.from(rng.uniformArray(n), (u) => (2 * u - 1) * limit);
    }
  }
}
