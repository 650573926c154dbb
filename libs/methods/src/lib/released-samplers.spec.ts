import * as tf from '@tensorflow/tfjs-core';
import { loadNcsnpp, loadSongUNet, type NcsnppConfig } from '@pfgm/networks';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pfgmConfig, pfgmppConfig, vpConfig } from './configs.js';
import { makeMethod } from './make-method.js';
import { decode } from './sample.js';

// End-to-end parity with the official samplers on the released-checkpoint fixtures of @pfgm/networks
// (libs/networks/fixtures-gen/released/generate.py runs the official code): the network loaded through the public
// loader, our method's predictor and solver, the official latents. Tests the whole stack, not just the network.

interface Json { shape: number[]; data: number[] }
interface SamplerFixture { settings: Record<string, number>; latents: Json; x: Json; nfe: number }

const dir = new URL('../../../networks/src/lib/fixtures/released/', import.meta.url);
const bytes = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, dir)));
const json = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, dir), 'utf8')) as T;
const nhwc = (t: Json): tf.Tensor4D => tf.tidy(() => tf.transpose(tf.tensor4d(t.data, t.shape as [number, number, number, number]), [0, 2, 3, 1]));

/** max |ours − official| / max |official|. */
function relError(ours: ArrayLike<number>, official: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < official.length; i++) {
    err = Math.max(err, Math.abs(ours[i] - official[i]));
    scale = Math.max(scale, Math.abs(official[i]));
  }
  return err / scale;
}

describe('released checkpoints: samplers equal the official ones from the same latents', () => {
  it('PFGM++ (D = 128) Heun on the EDM σ grid = pfgmpp generate.py edm_sampler (6 steps, NFE 11)', async () => {
    const s = json<SamplerFixture>('pfgmpp-ncsnpp/sampler-heun.json');
    const { network, precond } = loadSongUNet(bytes('pfgmpp-ncsnpp/training-state-000001.pt'), { where: 'pfgmpp-ncsnpp' });
    const { sigma_min: sigmaMin, sigma_max: sigmaMax, rho, num_steps: steps } = s.settings;
    const m = makeMethod(pfgmppConfig(precond.D ?? Infinity, { sigmaMin, sigmaMax, rho, sigmaData: precond.sigma_data }));
    const { err, nfe } = await expectNoLeak(async () => {
      const latents = nhwc(s.latents);
      const res = await decode(m, m.predictor(network), latents, { kind: 'heun', steps });
      const official = tf.tidy(() => nhwc(s.x).dataSync());
      const out = { err: relError(res.x.dataSync(), official), nfe: res.nfe };
      tf.dispose([latents, res.x]);
      return out;
    });
    network.dispose();
    console.info(`[sampler parity] PFGM++ Heun: max rel. error ${err.toExponential(2)}, NFE ours ${nfe} / official ${s.nfe}`);
    expect(nfe).toBe(s.nfe);
    expect(err).toBeLessThanOrEqual(1e-4);
  });

  it('fails when the sampler differs from the official one (ρ = 6 instead of 7)', async () => {
    const s = json<SamplerFixture>('pfgmpp-ncsnpp/sampler-heun.json');
    const { network } = loadSongUNet(bytes('pfgmpp-ncsnpp/training-state-000001.pt'));
    const m = makeMethod(pfgmppConfig(128, { sigmaMin: s.settings.sigma_min, sigmaMax: s.settings.sigma_max, rho: 6 }));
    const latents = nhwc(s.latents);
    const res = await decode(m, m.predictor(network), latents, { kind: 'heun', steps: s.settings.num_steps });
    const official = tf.tidy(() => nhwc(s.x).dataSync());
    const err = relError(res.x.dataSync(), official);
    tf.dispose([latents, res.x]);
    network.dispose();
    expect(err).toBeGreaterThan(1e-2);
  });

  it('VP probability-flow RK45 with noise removal = score_sde get_ode_sampler (scipy, rtol = atol = 1e-5)', async () => {
    const s = json<SamplerFixture>('score-sde-ddpmpp/sampler-rk45.json');
    const official = json<{ config: NcsnppConfig }>('score-sde-ddpmpp/expected.json').config;
    const net = loadNcsnpp(bytes('score-sde-ddpmpp/checkpoint_1.pth'), official, { where: 'score-sde-ddpmpp' });
    const { beta_min: betaMin, beta_max: betaMax, eps: epsT, rtol, atol } = s.settings;
    const m = makeMethod(vpConfig({ betaMin, betaMax, epsT, denoise: true }));
    const { err, nfe } = await expectNoLeak(async () => {
      const latents = nhwc(s.latents);
      const res = await decode(m, m.predictor(net), latents, { kind: 'rk45', rtol, atol });
      const official = tf.tidy(() => nhwc(s.x).dataSync());
      const out = { err: relError(res.x.dataSync(), official), nfe: res.nfe };
      tf.dispose([latents, res.x]);
      return out;
    });
    net.dispose();
    console.info(`[sampler parity] VP RK45: max rel. error ${err.toExponential(2)}, NFE ours ${nfe} / official ${s.nfe}`);
    expect(Math.abs(nfe - s.nfe)).toBeLessThanOrEqual(6);
    expect(err).toBeLessThanOrEqual(1e-3);
  });

  it('PFGM RK45 = Poisson_flow get_rk45_sampler_pfgm (scipy solve_ivp, rtol = atol = 1e-4)', async () => {
    const s = json<SamplerFixture>('poisson-flow-ddpmpp/sampler-rk45.json');
    const official = json<{ config: NcsnppConfig }>('poisson-flow-ddpmpp/expected.json').config;
    const net = loadNcsnpp(bytes('poisson-flow-ddpmpp/checkpoint_1.pth'), official, { where: 'poisson-flow-ddpmpp' });
    const { z_max: zMax, z_min: zMin, z_exp: zExp, gamma, upper_norm: upperNorm, rtol, atol } = s.settings;
    // The loaded network takes the official label (z; positional embedding), hence condition 'z'.
    const m = makeMethod(pfgmConfig('cifar10', { zMax, zMin, zExp, gamma, upperNorm, condition: 'z' }));
    const { err, nfe } = await expectNoLeak(async () => {
      const latents = nhwc(s.latents);
      const res = await decode(m, m.predictor(net), latents, { kind: 'rk45', rtol, atol });
      const official = tf.tidy(() => nhwc(s.x).dataSync());
      const out = { err: relError(res.x.dataSync(), official), nfe: res.nfe };
      tf.dispose([latents, res.x]);
      return out;
    });
    net.dispose();
    console.info(`[sampler parity] PFGM RK45: max rel. error ${err.toExponential(2)}, NFE ours ${nfe} / official ${s.nfe}`);
    expect(Math.abs(nfe - s.nfe)).toBeLessThanOrEqual(6); // our rk45 follows scipy's controller: equal here (140)
    expect(err).toBeLessThanOrEqual(1e-3);
  });
});
