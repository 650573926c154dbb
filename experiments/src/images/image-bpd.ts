import { dequantized, type ImageDataset } from '@pfgm/data';
import { logLikelihood, type Method, type Predictor } from '@pfgm/methods';
import type { SolverSpec } from '@pfgm/ode';
import { Rng } from '@pfgm/tensor';

/** Bits/dim settings of an image table (the papers evaluate the full test set; these are CPU-sized). */
export interface BpdConfig {
  /** Held-out images evaluated (the first ones of the test split); papers: the whole test set (10k). */
  images: number;
  /** Images per likelihood ODE solve. */
  batch: number;
  /** Hutchinson Rademacher probes per image (score_sde: 1). */
  probes: number;
  /** RK45 tolerance (rtol = atol); papers: 1e-5 (VP, EDM), 1e-4 (PFGM). */
  tol: number;
  /** RK45 step-attempt cap: a stiff solve is reported in the note, not run for hours. */
  maxSteps: number;
}

/** Mean bits/dim of held-out images under a model: RK45 likelihood ODE, uniform dequantization (PFGM §3, score_sde App. D.2). */
export async function imageBitsPerDim(method: Method, p: Predictor, test: ImageDataset, c: BpdConfig, seed: number): Promise<{ bpd: number; nfe: number }> {
  const n = Math.min(c.images, test.length);
  const solver: SolverSpec = { kind: 'rk45', rtol: c.tol, atol: c.tol, maxSteps: c.maxSteps };
  const rng = new Rng(seed, [0xb9d]);
  let total = 0;
  let nfe = 0;
  for (let first = 0; first < n; first += c.batch) {
    const idx = Array.from({ length: Math.min(c.batch, n - first) }, (_, i) => first + i);
    const x = dequantized(test, idx, rng.child(first));
    try {
      const r = await logLikelihood(method, p, x, { solver, bpdOffset: 7, divergence: { kind: 'hutchinson', probes: c.probes, rng: rng.child(first + 1e9) } });
      total += r.bpd.reduce((a, b) => a + b, 0);
      nfe += r.nfe;
    } finally {
      x.dispose();
    }
  }
  return { bpd: total / n, nfe };
}
