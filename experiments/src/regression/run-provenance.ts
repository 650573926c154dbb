import { hostname } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { gitState } from '@pfgm/report';
import { REPO_ROOT } from './baselines-file.js';

/** Where and how a baselines file was measured (commit, backend, versions, host, wall time since `t0`). */
export interface RunProvenance {
  commit: string | null;
  dirty: boolean | null;
  backend: string;
  date: string;
  wallSeconds: number;
  node: string;
  tfjs: string;
  host: string;
}

/** The provenance block of a baselines file written now; `t0` is the writer's `performance.now()` at its start. */
export function runProvenance(t0: number): RunProvenance {
  const git = gitState(REPO_ROOT);
  return {
    commit: git.commit,
    dirty: git.dirty,
    backend: tf.getBackend(),
    date: new Date().toISOString(),
    wallSeconds: (performance.now() - t0) / 1000,
    node: process.version,
    tfjs: tf.version_core,
    host: hostname(),
  };
}
