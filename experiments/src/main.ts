// The experiment runner: `tsx src/main.ts <name> [--preset ci|cpu|paper] [--run-id id] [--overwrite] [--out results]`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { initBackend } from '@pfgm/tensor';
import { PRESET_NAMES, type PresetName } from './harness/experiment.js';
import { rerenderReport, resolvedConfig, runExperiment } from './harness/run-experiment.js';
import { EXPERIMENTS, experimentByName } from './registry.js';

/** Default results root: `<repo>/results`, wherever the command is started (Nx runs it in experiments/). */
export const DEFAULT_RESULTS = fileURLToPath(new URL('../../results', import.meta.url));

function presetName(v: string): PresetName {
  if (!(PRESET_NAMES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected ${PRESET_NAMES.join(' | ')}`);
  return v as PresetName;
}

function jsonObject(v: string): Record<string, unknown> {
  let o: unknown;
  try {
    o = JSON.parse(v);
  } catch {
    throw new InvalidArgumentError(`expected a JSON object of preset fields, e.g. '{"steps": 100}'`);
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new InvalidArgumentError('expected a JSON object');
  return o as Record<string, unknown>;
}

const program = new Command('experiments')
  .description(`runs one experiment into results/<name>/<run-id>/; experiments: ${Object.keys(EXPERIMENTS).join(', ')}`)
  .argument('<name>', 'experiment name')
  .option('--preset <name>', `scale: ${PRESET_NAMES.join(' | ')} (default: the experiment's own)`, presetName)
  .option('--run-id <id>', 'run folder name; an unfinished run with this id is resumed (finished cells skipped)')
  .option('--overwrite', 'replace a finished run with the same --run-id', false)
  .option('--out <dir>', 'results root', DEFAULT_RESULTS)
  .option('--override <json>', 'preset fields to override, as JSON', jsonObject)
  .option('--cell <id>', 'run only this cell (repeatable); the run is finished (report, DONE) by a call without --cell', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--rerender', 'redraw the plots and tables of the finished run --run-id from its cell records (computes nothing)', false)
  .option('--list-cells', 'print the cell ids of the preset, then exit', false)
  .option('--backend <name>', 'tfjs backend: auto | tensorflow | wasm | cpu (default: env PFGM_BACKEND, else auto)')
  .option('--list', 'print the experiments and their presets, then exit', false)
  .action(async (name: string, o) => {
    const exp = experimentByName(name);
    if (o.list) {
      console.log(`${exp.name}: ${exp.description}\npresets: ${PRESET_NAMES.join(', ')} (default ${exp.defaultPreset})`);
      return;
    }
    if (o.listCells) {
      for (const c of exp.cells(resolvedConfig(exp, o.preset ?? exp.defaultPreset, o.override).cfg)) console.log(c.id);
      return;
    }
    if (o.rerender) {
      if (!o.runId) throw new InvalidArgumentError('--rerender needs --run-id <id> of a finished run');
      for (const f of await rerenderReport(exp, join(o.out, exp.name, o.runId))) console.log(`  ${f}`);
      return;
    }
    const info = await initBackend(o.backend);
    const only = o.cell.length > 0 ? o.cell : undefined;
    const r = await runExperiment(exp, { preset: o.preset, runId: o.runId, overwrite: o.overwrite, out: o.out, override: o.override, only, backend: { name: info.name, threads: info.threads } });
    if (r.missing.length > 0) {
      console.log(`${exp.name}: ${r.ran} cell(s) run in ${r.wallSeconds.toFixed(0)} s → ${r.dir}; ${r.missing.length} still missing`);
      return;
    }
    console.log(`${exp.name} finished in ${r.wallSeconds.toFixed(0)} s → ${r.dir}`);
    for (const f of r.files) console.log(`  ${f}`);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
