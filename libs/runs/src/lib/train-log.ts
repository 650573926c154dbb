import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '@pfgm/report';
import type { StepReport } from '@pfgm/train';

/** Columns of `<run>/train-log.csv`: one row per optimizer step. */
export const TRAIN_LOG_HEADER = 'step,loss,grad_norm,lr,seconds';

/**
 * The per-step training log, buffered in memory and appended at each checkpoint (after the checkpoint is on disk), so
 * the file never runs ahead of the checkpoint a resume starts from. `seconds` is wall time since this process started training.
 */
export interface TrainLog {
  add(r: StepReport): void;
  /** Appends the buffered rows. */
  flush(): void;
}

/** Opens the log of a run at `step` (0: a new file; a resume drops rows past its checkpoint's step). */
export function openTrainLog(path: string, step: number, t0 = Date.now()): TrainLog {
  if (step === 0 || !existsSync(path)) writeFileAtomic(path, `${TRAIN_LOG_HEADER}\n`);
  else {
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
    const kept = lines.slice(1).filter((l) => Number(l.split(',')[0]) <= step);
    writeFileAtomic(path, [TRAIN_LOG_HEADER, ...kept].join('\n') + '\n');
  }
  let rows: string[] = [];
  return {
    add: (r) => void rows.push(`${r.step},${r.loss},${r.gradNorm},${r.lr},${((Date.now() - t0) / 1000).toFixed(3)}`),
    flush: () => {
      if (rows.length > 0) appendFileSync(path, rows.join('\n') + '\n');
      rows = [];
    },
  };
}
