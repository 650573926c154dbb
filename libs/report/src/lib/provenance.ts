import { existsSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { activeBackendInfo } from '@pfgm/tensor';
import { gitState, type GitState } from './git-state.js';
import { readJson, writeJson } from './json.js';
import { markRunDone } from './run-dir.js';

export const CONFIG_FILE = 'config.json';
export const PROVENANCE_FILE = 'provenance.json';

/** What the caller knows about a run; everything else (git, host, versions, times) is read here. */
export interface ProvenanceInput {
  /** The resolved config (defaults merged with overrides); written as config.json. */
  config: object;
  /** Seed(s) used: one seed, a list, or named seeds (e.g. `{ train: 0, sample: 1 }`). */
  seed: number | readonly number[] | Readonly<Record<string, number>>;
  /** tfjs backend name. Default: `tf.getBackend()` at the time of the call. */
  backend?: string;
  /** Threads the backend uses (wasm threads, native intra-op), or null when not known. */
  threads: number | null;
  /** Run start. Default: now. */
  startedAt?: Date;
  /** Folder whose git repository is described. Default: `process.cwd()`. */
  repoDir?: string;
  /** Anything else worth keeping (dataset hashes, checkpoint paths, preset name). */
  extra?: Readonly<Record<string, unknown>>;
  /**
   * The step this process resumes an interrupted run from (> 0): the previous provenance.json in `dir` becomes an
   * entry of `segments`, so a run trained in pieces names the commit and kernels of every piece.
   */
  resumedAt?: number;
}

/** A finished-or-interrupted piece of a resumed run: the step it started from and what computed it. */
export interface ProvenanceSegment {
  from: number;
  git: GitState;
  backend: string;
  kernels: Provenance['kernels'];
  startedAt: string;
}

/** Contents of provenance.json. */
export interface Provenance {
  git: GitState;
  backend: string;
  /** The kernels behind `backend` (absent in runs recorded before this field; null when not selected by `initBackend`). */
  kernels?: { requested: string; native: { blas: string; threads: number; kernels: string[] } | null; nativeUnavailable: string | null; kernelFixes: string[] } | null;
  threads: number | null;
  seed: ProvenanceInput['seed'];
  node: string;
  tfjs: string;
  host: { name: string; platform: string; arch: string; cpus: number; cpuModel: string | null; memoryGiB: number };
  argv: string[];
  startedAt: string;
  /** Set by {@link finishRun}; null while the run is going or if it never finished. */
  endedAt: string | null;
  /** endedAt − startedAt in seconds (wall clock); null until finished. */
  wallSeconds: number | null;
  extra: Readonly<Record<string, unknown>>;
  /** The step this process started from (absent: from the beginning). */
  resumedAt?: number;
  /** The earlier pieces of a resumed run, oldest first (absent when never resumed). */
  segments?: ProvenanceSegment[];
}

/** The previous pieces of a run resumed in `dir`: those its provenance.json lists, plus that file's own piece. */
function earlierSegments(dir: string): ProvenanceSegment[] | undefined {
  const path = join(dir, PROVENANCE_FILE);
  if (!existsSync(path)) return undefined;
  const p = readJson<Provenance>(path);
  return [...(p.segments ?? []), { from: p.resumedAt ?? 0, git: p.git, backend: p.backend, kernels: p.kernels ?? null, startedAt: p.startedAt }];
}

function hostInfo(): Provenance['host'] {
  const cpuList = cpus();
  return {
    name: hostname(),
    platform: process.platform,
    arch: process.arch,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? null,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/**
 * Which kernels computed the run, as `initBackend` selected them: the OpenBLAS (`@pfgm/native`) kernels on the wasm
 * backend, or why they were off, and this project's kernel fixes; null when the backend was set up another way.
 */
function kernelsInUse(backend: string): Provenance['kernels'] {
  const info = activeBackendInfo();
  if (info === undefined || info.name !== backend) return null;
  return { requested: info.requested, native: info.native ?? null, nativeUnavailable: info.nativeUnavailable ?? null, kernelFixes: info.kernelFixes };
}

/** Writes config.json (the resolved config) and provenance.json (git commit + dirty flag, backend, seeds, host, start time). */
export function writeProvenance(dir: string, input: ProvenanceInput): Provenance {
  const provenance: Provenance = {
    git: gitState(input.repoDir),
    backend: input.backend ?? tf.getBackend(),
    kernels: kernelsInUse(input.backend ?? tf.getBackend()),
    threads: input.threads,
    seed: input.seed,
    node: process.version,
    tfjs: tf.version_core,
    host: hostInfo(),
    argv: process.argv.slice(1),
    startedAt: (input.startedAt ?? new Date()).toISOString(),
    endedAt: null,
    wallSeconds: null,
    extra: input.extra ?? {},
  };
  if (input.resumedAt !== undefined && input.resumedAt > 0) {
    const segments = earlierSegments(dir);
    Object.assign(provenance, { resumedAt: input.resumedAt }, segments ? { segments } : {});
  }
  writeJson(join(dir, CONFIG_FILE), input.config);
  writeJson(join(dir, PROVENANCE_FILE), provenance);
  return provenance;
}

/** Records the end time and wall time in provenance.json, then writes the DONE marker. */
export function finishRun(dir: string, endedAt: Date = new Date()): Provenance {
  const path = join(dir, PROVENANCE_FILE);
  const p = readJson<Provenance>(path);
  const updated: Provenance = {
    ...p,
    endedAt: endedAt.toISOString(),
    wallSeconds: (endedAt.getTime() - Date.parse(p.startedAt)) / 1000,
  };
  writeJson(path, updated);
  markRunDone(dir, endedAt);
  return updated;
}
