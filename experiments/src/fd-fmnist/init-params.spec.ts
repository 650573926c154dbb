import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FMNIST_CLASSIFIER_LAYOUT } from '@pfgm/eval';
import { initFmnistClassifier } from './init-params.js';

describe('initFmnistClassifier', () => {
  it('is a function of the seed alone, with He-normal weights and zero biases', () => {
    const a = initFmnistClassifier(0);
    const b = initFmnistClassifier(0);
    const c = initFmnistClassifier(1);
    for (const [name, shape] of FMNIST_CLASSIFIER_LAYOUT) {
      expect(a[name].shape).toEqual([...shape]);
      const va = a[name].dataSync();
      expect(Array.from(b[name].dataSync())).toEqual(Array.from(va));
      if (shape.length === 1) {
        expect(va.every((v) => v === 0)).toBe(true);
        continue;
      }
      expect(Array.from(c[name].dataSync())).not.toEqual(Array.from(va));
      const n = va.length;
      const fanIn = n / shape[shape.length - 1];
      let ss = 0;
      for (const v of va) ss += v * v;
      // E[w²] = 2/fan_in; the sample second moment over n draws has relative sd √(2/n) (≤ 0.25 for conv1's 144).
      expect(Math.abs(ss / n / (2 / fanIn) - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    }
    tf.dispose([...Object.values(a), ...Object.values(b), ...Object.values(c)]);
  });
});
