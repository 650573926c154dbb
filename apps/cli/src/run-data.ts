import { loadDataset, type Dataset } from '@pfgm/data';
import { checkFolderOption, type OpenRun } from '@pfgm/runs';

/** Loads `--data` the way the run was trained (image size, channels) and checks the example shape matches. */
export async function runData(run: OpenRun, o: { data: string; limit?: number; split?: 'train' | 'test'; dataDir?: string }): Promise<Dataset> {
  checkFolderOption('--data-dir', o.dataDir);
  const { size, channels } = run.config.data;
  const ds = await loadDataset(o.data, { limit: o.limit, split: o.split, size, channels, dataDir: o.dataDir });
  if (ds.sampleShape.join() !== run.shape.join()) throw new Error(`--data ${o.data} has examples of shape [${ds.sampleShape}], the run was trained on [${run.shape}]`);
  return ds;
}
