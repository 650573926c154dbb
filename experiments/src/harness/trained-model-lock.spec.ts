// Issue 17: one writer per model-store entry. ensureTrained waits for another holder of results/models/<key>, then
// trains (or reuses) it; it never trains next to another process.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '@pfgm/data';
import { preset } from '@pfgm/networks';
import { acquireLock, LOCK_FILE } from '@pfgm/report';
import { initBackend } from '@pfgm/tensor';
import { ensureTrained, type ModelSpec } from './trained-model.js';

const root = mkdtempSync(join(tmpdir(), 'model-lock-'));
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

const spec: ModelSpec = { method: { name: 'vp' }, data: 'toy:8gaussians', limit: 256, netName: 'mlp-16', net: preset('mlp', { hidden: [16], embedDim: 8 }), steps: 2, batchSize: 32, seed: 0 };

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
