import type { Dataset } from '@pfgm/data';
import { describe, expect, it } from 'vitest';
import { trainConfigFor } from '../harness/trained-model.js';
import { EXPERIMENTS } from '../registry.js';
import { cellModelSpec, type ImageSweepConfig } from './image-sweep.js';

// Issue 12, fix 5: the paper presets train each method with its own official recipe.
// - PFGM/VP: batch 128 for 1.3 M steps, random flips (Poisson_flow/score_sde `configs/default_cifar10_configs.py`:
//   batch_size 128, n_iters 1300001, data.random_flip True, model.dropout 0.1; PFGM B_L 4096 `configs/poisson/cifar10_ddpmpp.py`).
// - PFGM++/EDM: batch 512 for 200 Mimg (390,625 steps), lr ramp over 10 Mimg at that batch (19,531 steps), dropout 0.13,
//   no x-flips (pfgmpp/edm `train.py` defaults and the CIFAR-10 command of the README).

/** A stand-in for CIFAR-10's training set: only the facts the training config reads. */
const cifarLike = { kind: 'image', name: 'cifar10/train', length: 50_000, sampleShape: [32, 32, 3], averageNorm: () => 30 } as unknown as Dataset;

const paper = EXPERIMENTS['cifar10-table'].presets.paper as ImageSweepConfig;

function trainOf(method: { name: 'pfgm' | 'vp' | 'edm' } | { name: 'pfgmpp'; D: number }) {
  const spec = cellModelSpec({ method, net: 'ddpmpp' }, paper, '/unused');
  return { spec, config: trainConfigFor(spec, cifarLike) };
}

describe('cifar10-table paper preset: each method trains with its official recipe', () => {
  it.each([[{ name: 'pfgmpp', D: 128 } as const], [{ name: 'pfgmpp', D: 2048 } as const], [{ name: 'edm' } as const]])('%j: batch 512, 390,625 steps, lr ramp 19,531 steps, dropout 0.13, no flips', (m) => {
    const { spec, config } = trainOf(m);
    expect(config.train).toMatchObject({ batchSize: 512, steps: 390_625, warmup: 19_531, lr: 1e-3, flip: false });
    expect(spec.net.kind === 'unet' && spec.net.dropout).toBe(0.13);
  });

  it.each([[{ name: 'pfgm' } as const], [{ name: 'vp' } as const]])('%j: batch 128, 1.3 M steps, warm-up 5000, dropout 0.1, random flips', (m) => {
    const { spec, config } = trainOf(m);
    expect(config.train).toMatchObject({ batchSize: 128, steps: 1_300_000, warmup: 5000, lr: 2e-4, flip: true });
    expect(spec.net.kind === 'unet' && spec.net.dropout).toBe(0.1);
    if (m.name === 'pfgm') expect(config.train.referenceSize).toBe(4096);
  });

  it('the cpu presets keep their own small budget (no dropout, the preset`s batch and steps)', () => {
    const cpu = EXPERIMENTS['cifar10-table'].presets.cpu as ImageSweepConfig;
    const spec = cellModelSpec({ method: { name: 'edm' }, net: 'ddpmpp-small' }, cpu, '/unused');
    expect(spec).toMatchObject({ steps: cpu.steps, batchSize: cpu.batchSize });
    expect(spec.net.kind === 'unet' && spec.net.dropout).toBe(0);
  });
});

describe('paper presets: each method trains its paper`s CIFAR-10 network', () => {
  it.each(['cifar10-table', 'd-sweep', 'robustness'])('%s: PFGM/VP on DDPM++ (score_sde NCSN++), PFGM++/EDM on EDM`s SongUNet ncsnpp', (name) => {
    const exp = EXPERIMENTS[name];
    const cells = exp.cells(exp.presets.paper as never) as { method: { name: string }; net: string }[];
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) expect(`${c.method.name}: ${c.net}`).toBe(`${c.method.name}: ${c.method.name === 'pfgm' || c.method.name === 'vp' ? 'ddpmpp' : 'ncsnpp-edm'}`);
  });
});
