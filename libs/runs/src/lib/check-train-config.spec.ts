import { describe, expect, it } from 'vitest';
import { pfgmppConfig } from '@pfgm/methods';
import { preset } from '@pfgm/networks';
import { checkTrainConfig, trainConfigProblems } from './check-train-config.js';
import type { TrainRunConfig } from './run-config.js';

const valid: TrainRunConfig = {
  methodName: 'pfgmpp',
  method: pfgmppConfig(128),
  netName: 'mlp',
  net: preset('mlp'),
  data: { spec: 'toy:8gaussians', shape: [2], avgNorm: 2 },
  train: { steps: 10, batchSize: 8, lr: 1e-3, warmup: 0, gradClip: 1, ema: { kind: 'decay', beta: 0.99 }, seed: 0, flip: false, checkpointEvery: 5 },
};
const withTrain = (t: Partial<TrainRunConfig['train']>): TrainRunConfig => ({ ...valid, train: { ...valid.train, ...t } });

describe('checkTrainConfig: the library entry points refuse what the CLI refuses', () => {
  it('accepts a valid config', () => expect(trainConfigProblems(valid)).toEqual([]));

  it.each<[string, TrainRunConfig, RegExp]>([
    ['steps 0', withTrain({ steps: 0 }), /--steps must be a positive integer/],
    ['steps -5', withTrain({ steps: -5 }), /--steps must be a positive integer/],
    ['lr -1', withTrain({ lr: -1 }), /--lr must be a number > 0, got -1/],
    ['ema 2', withTrain({ ema: { kind: 'decay', beta: 2 } }), /--ema must be a number in \[0, 1\), got 2/],
    ['EMA half-life 0', withTrain({ ema: { kind: 'halflife', images: 0, rampup: 0.05 } }), /ema\.images must be a number > 0/],
    ['batch 0', withTrain({ batchSize: 0 }), /--batch must be a positive integer/],
    ['B_L below B', withTrain({ referenceSize: 4 }), /--large-batch \(4\) must be at least --batch \(8\)/],
    ['D 0', { ...valid, method: pfgmppConfig(0) }, /--D must be a positive integer or "inf", got 0/],
    ['channels 2', { ...valid, data: { ...valid.data, channels: 2 as 1 } }, /--channels must be 1 or 3/],
  ])('%s', (_name, config, message) => {
    expect(() => checkTrainConfig(config)).toThrow(message);
  });

  it('lists every problem in one line', () => {
    const p = trainConfigProblems(withTrain({ steps: 0, lr: -1 }));
    expect(p).toHaveLength(2);
    expect(() => checkTrainConfig(withTrain({ steps: 0, lr: -1 }))).toThrow(/--steps .*; --lr /);
  });
});
