// ensureTrained and the model store. Issue 17: one writer per entry: it waits for another holder of
// results/models/<key>, then trains (or reuses) it; it never trains next to another process. A reused entry must
// still be the function it was trained as (net-probe.json).
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '@pfgm/data';
import { preset } from '@pfgm/networks';
import { acquireLock, LOCK_FILE, readJson, writeJson } from '@pfgm/report';
import { initBackend } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { PROBE_FILE, type NetProbes } from './net-probe.js';
import { ensureTrained, type ModelSpec } from './trained-model.js';

const root = mkdtempSync(join(tmpdir(), 'model-store-'));
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

const toySpec = (name: 'pfgm' | 'vp'): ModelSpec => ({ method: { name }, data: 'toy:8gaussians', limit: 256, netName: 'mlp-16', net: preset('mlp', { hidden: [16], embedDim: 8 }), steps: 2, batchSize: 32, referenceSize: 64, seed: 0 });
const spec = toySpec('vp');

describe('ensureTrained and the model-store lock', () => {
  it('waits while another holder has the entry, then trains it; a second call reuses it', async () => {
    const dir = join(root, 'toy-vp');
    const other = await acquireLock(dir, 'another training');
    const logs: string[] = [];
    const pending = ensureTrained(dir, spec, data, (m) => logs.push(m));
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(false); // nothing written while the other holds it
    other.release();
    const first = await pending;
    first.run.dispose();
    expect(logs.join('\n')).toMatch(/waiting for pid \d+ \(another training since .*\) to finish/);
    expect(first.reused).toBe(false);
    expect(existsSync(join(dir, 'DONE'))).toBe(true);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await ensureTrained(dir, spec, data, () => undefined);
    again.run.dispose();
    expect(again.reused).toBe(true);
  }, 60_000);
});

describe('ensureTrained and the network probe', () => {
  it.each(['pfgm', 'vp'] as const)('%s: training records the probe of the weights it opens; reuse matches it; changed outputs stop the reuse in one line', async (name) => {
    const dir = join(root, name);
    const first = await ensureTrained(dir, toySpec(name), data, () => undefined);
    first.run.dispose();
    const probes = readJson<NetProbes>(join(dir, PROBE_FILE));
    expect(Object.keys(probes)).toEqual(['ema']);
    expect(probes.ema?.values.flat().every(Number.isFinite)).toBe(true);
    // Reuse: the same function; the raw weights get their own probe on first use.
    const logs: string[] = [];
    await expectNoLeak(async () => (await ensureTrained(dir, toySpec(name), data, (m) => logs.push(m))).run.dispose());
    await expectNoLeak(async () => (await ensureTrained(dir, toySpec(name), data, (m) => logs.push(m), { ema: false })).run.dispose());
    expect(logs.filter((l) => l.startsWith('recorded the network probe'))).toHaveLength(1);
    expect(Object.keys(readJson<NetProbes>(join(dir, PROBE_FILE))).sort()).toEqual(['ema', 'raw']);
    // What a code change looks like to the check: the recorded outputs differ from what the code computes now.
    const recorded = readJson<NetProbes>(join(dir, PROBE_FILE));
    const ema = recorded.ema as NonNullable<NetProbes['ema']>;
    writeJson(join(dir, PROBE_FILE), { ...recorded, ema: { ...ema, values: ema.values.map((v) => v.map((x) => x * 1.1 + 0.01)) } });
    const before = tf.memory().numTensors;
    await expect(ensureTrained(dir, toySpec(name), data, () => undefined)).rejects.toThrow(
      new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: this stored model's ema weights no longer give the outputs in its net-probe\\.json \\(output summary 0 at t = .*\\): the network or method code changed since they were recorded; delete the folder to retrain it`),
    );
    expect(tf.memory().numTensors, 'the refused run is disposed').toBe(before);
    expect(readFileSync(join(dir, PROBE_FILE), 'utf8')).toContain('"raw"'); // the refusal rewrites nothing
  }, 60_000);
});
