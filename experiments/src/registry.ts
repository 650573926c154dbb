import type { AnyExperiment } from './harness/experiment.js';
import { archSweep } from './images/arch-sweep.js';
import { cifar10Table } from './images/cifar10-table.js';
import { dSweep } from './images/d-sweep.js';
import { eulerSweep } from './images/euler-sweep.js';
import { robustness } from './images/robustness.js';
import { fmnistTable } from './images/fmnist-table.js';
import { releasedTable } from './images/released-table.js';
import { toyTable } from './toy-table/toy-table.js';

/** Every experiment, by name (the Nx targets of this project). */
export const EXPERIMENTS: Readonly<Record<string, AnyExperiment>> = Object.fromEntries([toyTable, fmnistTable, eulerSweep, cifar10Table, dSweep, archSweep, robustness, releasedTable].map((e) => [e.name, e]));

/** The experiment called `name`, or a clear error listing the known ones. */
export function experimentByName(name: string): AnyExperiment {
  const e = EXPERIMENTS[name];
  if (e === undefined) throw new Error(`unknown experiment "${name}"; expected one of ${Object.keys(EXPERIMENTS).join(', ')}`);
  return e;
}
