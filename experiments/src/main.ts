// The experiment runner: `tsx src/main.ts <name> [--preset ci|cpu|paper] [--run-id id] [--overwrite | --recompute id…] [--out results]`.
// Errors print one line (no stack trace) and exit 1. Ctrl-C (SIGINT) / SIGTERM exit 130 / 143 with the run folder
// resumable: a cell that is training writes its checkpoint first (trainRun); finished cells keep their records
// (written atomically), and the same --run-id continues.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { isRunFinished, runDirPath } from '@pfgm/report';
import { initBackend } from '@pfgm/tensor';
import { OPTIONAL_PRESET_NAMES, PRESET_NAMES, type AnyPresetName } from './harness/experiment.js';
import { rerenderReport, resolvedConfig, runExperiment } from './harness/run-experiment.js';
import { EXPERIMENTS, experimentByName } from './registry.js';

/** Default results root: `<repo>/results`, wherever the command is started (Nx runs it in experiments/). */
export const DEFAULT_RESULTS = fileURLToPath(new URL('../../results', import.meta.url));

/** Exit status after a signal (128 + its number, as a shell reports it). */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

/**
 * The folder relative paths mean to the user: `npm run <script> -w experiments -- …` runs in experiments/, and npm
 * keeps the caller's folder in INIT_CWD (as apps/cli's callerCwd); other launches keep their cwd.
 */
function callerDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.INIT_CWD && /src\/main\.ts\b/.test(env.npm_lifecycle_script ?? '') ? env.INIT_CWD : cwd;
}

/** One line for any failure: no stack trace, no internal function names, system errors with their path. */
function errorLine(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text = typeof err?.path === 'string' && err.code ? `${err.path}: ${err.code === 'ENOENT' ? 'no such file or folder' : err.code}` : err instanceof Error ? err.message : String(e);
  return text.replace(/^createRunDir: /, '').replace(/\s*\n\s*/g, ' ').trim();
}

let stopped: StopSignal | undefined;
let runDir: string | undefined; // known once the run folder exists (the harness logs it)
const resumeHint = () => (runDir ? `; continue with the same command and --run-id ${runDir.split(/[\\/]/).pop()}` : '');
for (const s of ['SIGINT', 'SIGTERM'] as const) {
  process.on(s, () => {
    if (stopped) return void process.stderr.write(`${s}: already stopping (a checkpoint is being written)\n`);
    stopped = s;
    // trainRun listens too while a cell trains: it finishes the step and writes a checkpoint, then the cell fails
    // with "interrupted", which the catch below turns into this exit status.
    if (process.listenerCount(s) > 1) return;
    // Not training: cell records are written atomically in one synchronous step, so nothing is half-written.
    process.stderr.write(`${s === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: stopped; finished cells are kept${resumeHint()}\n`);
    process.exit(SIGNAL_EXIT[s]);
  });
}
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (e: unknown) => {
    console.error(`error: ${errorLine(e)}`);
    process.exit(1);
  });
}

const ALL_PRESETS: readonly AnyPresetName[] = [...PRESET_NAMES, ...OPTIONAL_PRESET_NAMES];

function presetName(v: string): AnyPresetName {
  if (!(ALL_PRESETS as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected ${ALL_PRESETS.join(' | ')}`);
  return v as AnyPresetName;
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
  .option('--preset <name>', `scale: ${PRESET_NAMES.join(' | ')}, or ${OPTIONAL_PRESET_NAMES.join(' | ')} where the experiment has it (default: the experiment's own)`, presetName)
  .option('--run-id <id>', 'run folder name; an unfinished run with this id is resumed (finished cells skipped)')
  .option('--overwrite', 'replace a finished run with the same --run-id', false)
  .option('--out <dir>', 'results root (a relative path is taken from the folder you ran the command in)', DEFAULT_RESULTS)
  .option('--override <json>', 'preset fields to override, as JSON', jsonObject)
  .option('--cell <id>', 'run only this cell (repeatable); the run is finished (report, DONE) by a call without --cell', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--recompute <id>', 'compute these cells of run --run-id again (repeatable; `*` matches any text), e.g. after a method fix: the old records move to <run>/superseded/<time>/', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--rerender', 'redraw the plots and tables of the finished run --run-id from its cell records (computes nothing)', false)
  .option('--list-cells', 'print the cell ids of the preset, then exit', false)
  .option('--backend <name>', 'tfjs backend: auto | tensorflow | wasm | cpu (default: env PFGM_BACKEND, else auto)')
  .option('--list', 'print the experiments and their presets, then exit', false)
  .action(async (name: string, o) => {
    const exp = experimentByName(name);
    o.out = resolve(callerDir(process.env, process.cwd()), o.out);
    // A misspelt --override field would be ignored silently: name it (the union of the presets' fields is known).
    const known = new Set(Object.values(exp.presets).flatMap((p) => Object.keys(p ?? {})));
    const unknownFields = Object.keys(o.override ?? {}).filter((k) => !known.has(k));
    if (unknownFields.length > 0) console.error(`warning: --override field(s) ${unknownFields.map((k) => `"${k}"`).join(', ')} are in none of ${exp.name}'s presets (fields: ${[...known].join(', ')}); check the spelling`);
    if (o.list) {
      console.log(`${exp.name}: ${exp.description}\npresets: ${Object.keys(exp.presets).join(', ')} (default ${exp.defaultPreset})`);
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
    if (o.runId !== undefined && !o.overwrite && o.recompute.length === 0 && isRunFinished(runDirPath(o.out, exp.name, o.runId))) {
      throw new Error(`run ${runDirPath(o.out, exp.name, o.runId)} is finished; pass --overwrite to replace it, --rerender to redraw its report, or leave --run-id out for a new run`);
    }
    const info = await initBackend(o.backend);
    const only = o.cell.length > 0 ? o.cell : undefined;
    const log = (m: string) => {
      runDir ??= / cells → (.+?)(?: \(resumed\))?$/.exec(m)?.[1];
      process.stderr.write(`${m}\n`);
      // A signal that came while a cell trained but did not end the cell (it was the last step): stop once the
      // harness has written that cell's record ("[k/n] id: …").
      if (stopped && /^\[\d+\/\d+\] /.test(m)) {
        process.stderr.write(`${stopped === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: stopped after this cell; finished cells are kept${resumeHint()}\n`);
        process.exit(SIGNAL_EXIT[stopped]);
      }
    };
    const r = await runExperiment(exp, { preset: o.preset, runId: o.runId, overwrite: o.overwrite, out: o.out, override: o.override, only, recompute: o.recompute, backend: { name: info.name, threads: info.threads }, log });
    if (r.missing.length > 0) {
      console.log(`${exp.name}: ${r.ran} cell(s) run in ${r.wallSeconds.toFixed(0)} s → ${r.dir}; ${r.missing.length} still missing`);
      return;
    }
    console.log(`${exp.name} finished in ${r.wallSeconds.toFixed(0)} s → ${r.dir}`);
    for (const f of r.files) console.log(`  ${f}`);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  if (stopped) {
    // A signal stopped a training cell after its checkpoint: say so, with the signal's exit status.
    console.error(`${stopped === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: stopped after a checkpoint; finished cells are kept${resumeHint()}`);
    process.exit(SIGNAL_EXIT[stopped]);
  }
  console.error(`error: ${errorLine(e)}`);
  process.exitCode = 1;
});
