import { Rng } from '@pfgm/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildNetwork, countParams } from './build-network.js';
import { MLP_PRESETS, preset, UNET_PRESETS, type UNetPresetName } from './presets.js';
import type { NetworkIo } from './types.js';

// Truth: parameter counts of the official score_sde_pytorch models (commit cb1f359), produced by
// fixtures/official-param-counts.py, which instantiates models/ncsnpp.py and models/ddpm.py with the CIFAR-10 configs.
const official = JSON.parse(readFileSync(new URL('./fixtures/official-param-counts.json', import.meta.url), 'utf8'));
const cifar: NetworkIo = { inShape: [32, 32, 3], outShape: [32, 32, 3] };
const cifarPfgm: NetworkIo = { inShape: [32, 32, 3], outShape: [3 * 32 * 32 + 1] };

/**
 * DDPM++ parameter count by hand (score_sde `ncsnpp.py`, resblock_type 'biggan', positional embedding), written
 * independently of the builder. With nf base channels and temb = 4nf:
 *   GroupNorm(C) = 2C;  conv k×k (a→b) = k²ab + b;  dense (a→b) = ab + b;
 *   ResBlock(a→b, skip) = GN(a) + conv3(a→b) + dense(4nf→b) + GN(b) + conv3(b→b) + [conv1(a→b) if a≠b or resampling];
 *   Attn(C) = GN(C) + 4·dense(C→C).
 *   total = dense(nf→4nf) + dense(4nf→4nf) + conv3(3→nf)
 *         + Σ_levels [numBlocks ResBlocks (+Attn at 16)] + (levels−1) down ResBlocks
 *         + ResBlock + Attn + ResBlock (middle)
 *         + Σ_levels [(numBlocks+1) ResBlocks on concatenated skips (+Attn at 16)] + (levels−1) up ResBlocks
 *         + GN(nf) + conv3(nf→C_out).
 * For nf 128, (1,2,2,2), 4 blocks this gives 61,804,419 (the "62M" of DDPM++ in Song et al. 2021, Table 3).
 */
function ddpmppByHand(nf: number, mult: number[], blocks: number, res: number, cOut: number): number {
  const gn = (c: number): number => 2 * c;
  const conv = (k: number, a: number, b: number): number => k * k * a * b + b;
  const dense = (a: number, b: number): number => a * b + b;
  const resBlock = (a: number, b: number, resample = false): number =>
    gn(a) + conv(3, a, b) + dense(4 * nf, b) + gn(b) + conv(3, b, b) + (a !== b || resample ? conv(1, a, b) : 0);
  const attn = (c: number): number => gn(c) + 4 * dense(c, c);
  let total = dense(nf, 4 * nf) + dense(4 * nf, 4 * nf) + conv(3, 3, nf);
  const skips = [nf];
  let ch = nf;
  mult.forEach((m, i) => {
    for (let j = 0; j < blocks; j++) {
      total += resBlock(ch, nf * m) + (res >> i === 16 ? attn(nf * m) : 0);
      ch = nf * m;
      skips.push(ch);
    }
    if (i < mult.length - 1) {
      total += resBlock(ch, ch, true);
      skips.push(ch);
    }
  });
  total += 2 * resBlock(ch, ch) + attn(ch);
  for (let i = mult.length - 1; i >= 0; i--) {
    for (let j = 0; j <= blocks; j++) {
      total += resBlock(ch + (skips.pop() ?? NaN), nf * mult[i]);
      ch = nf * mult[i];
    }
    if (res >> i === 16) total += attn(ch);
    if (i > 0) total += resBlock(ch, ch, true);
  }
  return total + gn(ch) + conv(3, ch, cOut);
}

describe('parameter counts', () => {
  it.each(['ddpm', 'ddpmpp', 'ddpmpp-deep', 'ddpm-small', 'ddpmpp-small'] as const)(
    '%s at 32×32×3 equals the official score_sde model',
    (name) => {
      expect(countParams(preset(name), cifar)).toBe(official[name]);
    },
  );

  it('ddpmpp CIFAR-10 (nf 128, ch_mult 1,2,2,2, 4 blocks, attn@16) is 61.8M, as derived by hand', () => {
    const n = countParams(preset('ddpmpp'), cifar);
    expect(n).toBe(ddpmppByHand(128, [1, 2, 2, 2], 4, 32, 3));
    expect(n / 1e6).toBeCloseTo(61.8, 1);
    expect(countParams(preset('ddpmpp-deep'), cifar)).toBe(ddpmppByHand(128, [1, 2, 2, 2], 8, 32, 3));
  });

  it('the PFGM head adds one output channel to the last conv: 9·nf + 1 parameters', () => {
    expect(countParams(preset('ddpmpp'), cifarPfgm) - countParams(preset('ddpmpp'), cifar)).toBe(9 * 128 + 1);
    expect(countParams(preset('ddpmpp'), cifarPfgm)).toBe(ddpmppByHand(128, [1, 2, 2, 2], 4, 32, 4));
  });

  it('Fourier embedding (NCSN++): 2nf-wide input to the first dense and a fixed W of nf entries', () => {
    const fourier = preset('ddpmpp', { embedding: { kind: 'fourier', scale: 16 } });
    // dense(2nf→4nf) − dense(nf→4nf) = nf·4nf, plus W (nf, counted like torch's requires_grad=False parameter)
    expect(countParams(fourier, cifar) - countParams(preset('ddpmpp'), cifar)).toBe(128 * 512 + 128);
  });

  it.each([...Object.keys(UNET_PRESETS).filter((k) => k.endsWith('-small')), 'mlp'] as const)(
    'countParams(%s) equals the size of the built network',
    (name) => {
      const io = name === 'mlp' ? { inShape: [2], outShape: [3] } : cifarPfgm;
      const net = buildNetwork(preset(name as UNetPresetName | 'mlp'), io, new Rng(1));
      try {
        const built = net.weights.reduce((s, w) => s + w.size, 0);
        expect(built).toBe(countParams(net.config, io));
        expect(net.numParams).toBe(built);
        console.log(`${name}: ${built.toLocaleString('en')} parameters`);
      } finally {
        net.dispose();
      }
    },
  );

  it('MLP count by hand: (2+64)·256+256 + 2·(256·256+256) + 256·3+3', () => {
    expect(countParams(MLP_PRESETS.mlp, { inShape: [2], outShape: [3] })).toBe(66 * 256 + 256 + 2 * (256 * 256 + 256) + 256 * 3 + 3);
  });
});
