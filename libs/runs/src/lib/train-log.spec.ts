import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTrainLog, TRAIN_LOG_HEADER } from './train-log.js';

const row = (step: number) => ({ step, loss: 1 / step, gradNorm: 2, lr: 1e-3 });

describe('train-log.csv', () => {
  it('appends rows only when flushed (at checkpoints), and a resume drops rows past its checkpoint', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pfgm-log-')), 'train-log.csv');
    const log = openTrainLog(path, 0);
    [1, 2, 3].forEach((s) => log.add(row(s)));
    expect(readFileSync(path, 'utf8')).toBe(`${TRAIN_LOG_HEADER}\n`);
    log.flush();
    [4, 5].forEach((s) => log.add(row(s)));
    log.flush();
    const steps = () => readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    expect(steps()).toEqual([1, 2, 3, 4, 5]);
    const resumed = openTrainLog(path, 3); // the checkpoint was at step 3
    expect(steps()).toEqual([1, 2, 3]);
    resumed.add(row(4));
    resumed.flush();
    expect(steps()).toEqual([1, 2, 3, 4]);
    expect(readFileSync(path, 'utf8').split('\n')[1]).toMatch(/^1,1,2,0\.001,\d+\.\d{3}$/);
  });
});
