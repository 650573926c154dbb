import type { Command } from 'commander';
import { registerBpd } from './bpd.js';
import { registerDoctor } from './doctor.js';
import { registerEncode } from './encode.js';
import { registerFid } from './fid.js';
import { registerInterpolate } from './interpolate.js';
import { registerSample } from './sample.js';
import { registerStats } from './stats.js';
import { registerTrain } from './train.js';

/** Each command lives in its own file and registers itself on the program. */
export function registerCommands(program: Command): void {
  registerTrain(program);
  registerSample(program);
  registerEncode(program);
  registerInterpolate(program);
  registerBpd(program);
  registerFid(program);
  registerStats(program);
  registerDoctor(program);
}
