// A model-store entry carries a functional fingerprint (net-probe.json): reuse checks that the current code computes
// the function the entry was trained as, so a network or method code change cannot silently reuse stale models.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '@pfgm/data';
import { preset } from '@pfgm/networks';
import { readJson, writeJson } from '@pfgm/report';
import { initBackend } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { PROBE_FILE, probeMismatch, type NetProbes } from './net-probe.js';
import { ensureTrained, type ModelSpec } from './trained-model.js';

const root = mkdtempSync(join(tmpdir(), 'net-probe-'));
let data: Dataset;
let previous: string;
beforeAll(async () => {
  previous = tf.getBackend();
  await initBackend('cpu', { log: () => undefined });
  data = await loadDataset('toy:8gaussians', { limit: 256 });
});
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await tf.setBackend(previous);
});

const spec = (name: 'pfgm' | 'vp'): ModelSpec => ({ method: { name }, data: 'toy:8gaussians', limit: 256, netName: 'mlp-16', net: preset('mlp', { hidden: [16], embedDim: 8 }), steps: 2, batchSize: 32, referenceSize: 64, seed: 0 });

describe('probeMismatch', () => {
  const rec = { times: [40, 2.5], values: [[0.1, 1.5, -0.3, 0.2, 0.4, -1, 2], [0, 0.9, 0.5, 1, 1, 1, 1]] };
  it('accepts the same values and backend-size differences; reports a changed output or time grid', () => {
    expect(probeMismatch(rec, rec)).toBeNull();
    const close = { ...rec, values: rec.values.map((v) => v.map((x) => x * (1 + 1e-5))) };
    expect(probeMismatch(rec, close)).toBeNull();
    const moved = { ...rec, values: [rec.values[0], rec.values[1].map((x, j) => (j === 2 ? x + 0.05 : x))] };
    expect(probeMismatch(rec, moved)).toBe('output summary 2 at t = 2.5 was 0.5, is 0.55');
    expect(probeMismatch(rec, { ...rec, times: [40, 3] })).toMatch(/^the method's time grid changed/);
    expect(probeMismatch(rec, { ...rec, values: [rec.values[0], rec.values[1].map(() => NaN)] })).toMatch(/^output summary 0 at t = 2.5/);
  });
});

describe('ensureTrained and the network probe', () => {
  it.each(['pfgm', 'vp'] as const)('%s: training records the probe of the weights it opens; reuse matches it; changed outputs stop the reuse in one line', async (name) => {
    const dir = join(root, name);
    const first = await ensureTrained(dir, spec(name), data, () => undefined);
    first.run.dispose();
    const probes = readJson<NetProbes>(join(dir, PROBE_FILE));
    expect(Object.keys(probes)).toEqual(['ema']);
    expect(probes.ema?.values.flat().every(Number.isFinite)).toBe(true);
    // Reuse: the same function; the raw weights get their own probe on first use.
    const logs: string[] = [];
    await expectNoLeak(async () => (await ensureTrained(dir, spec(name), data, (m) => logs.push(m))).run.dispose());
    await expectNoLeak(async () => (await ensureTrained(dir, spec(name), data, (m) => logs.push(m), { ema: false })).run.dispose());
    expect(logs.filter((l) => l.startsWith('recorded the network probe'))).toHaveLength(1);
    expect(Object.keys(readJson<NetProbes>(join(dir, PROBE_FILE))).sort()).toEqual(['ema', 'raw']);
    // What a code change looks like to the check: the recorded outputs differ from what the code computes now.
    const recorded = readJson<NetProbes>(join(dir, PROBE_FILE));
    const ema = recorded.ema as NonNullable<NetProbes['ema']>;
    writeJson(join(dir, PROBE_FILE), { ...recorded, ema: { ...ema, values: ema.values.map((v) => v.map((x) => x * 1.1 + 0.01)) } });
    const before = tf.memory().numTensors;
    await expect(ensureTrained(dir, spec(name), data, () => undefined)).rejects.toThrow(
      new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: this stored model's ema weights no longer give the outputs recorded when it was trained \\(output summary 0 at t = .*\\): the network or method code changed since; delete the folder to retrain it`),
    );
    expect(tf.memory().numTensors, 'the refused run is disposed').toBe(before);
    expect(readFileSync(join(dir, PROBE_FILE), 'utf8')).toContain('"raw"'); // the refusal rewrites nothing
  }, 60_000);
});
