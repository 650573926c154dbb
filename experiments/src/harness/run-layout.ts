import type { Row } from './experiment.js';

// The files of a run folder `results/<experiment>/<run-id>/` that the harness writes per cell.

/** What `cells/<id>.json` holds. */
export interface CellRecord {
  id: string;
  cell: unknown;
  rows: Row[];
  wallSeconds: number;
  finishedAt: string;
  /**
   * The commit and backend that computed this cell (a run resumed over several sessions may span commits; the run's
   * provenance.json names the last one). Absent in cells recorded before this field.
   */
  computedBy?: { commit: string | null; dirty: boolean | null; backend: string };
}

export const CELLS_DIR = 'cells';
/** Folder of the results root that holds trained models shared across experiments (keyed by `modelKey`, trained-model.ts). */
export const MODELS_DIR = 'models';
export const METRICS_TABLE_MD = 'metrics.md';
