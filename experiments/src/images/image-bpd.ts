import { dequantized, type ImageDataset } from '@pfgm/data';
import { logLikelihood, officialRk45Tol, type Method, type MethodConfig, type Predictor } from '@pfgm/methods';
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
  /** RK45 tolerance (rtol = atol); absent: the method's official one ({@link officialRk45Tol}: PFGM 1e-4, VP 1e-5). */
  tol?: number;
  /** Passes over the images, each with fresh dequantization noise and probes (official bpd_num_repeats: 5); default 1. */
  passes?: number;
  /** RK45 step-attempt cap: a stiff solve is reported in the note, not run for hours. */
  maxSteps: number;
}

/** The RK45 tolerance a bits/dim evaluation of `kind` uses under `c`. */
export function bpdTol(c: BpdConfig, kind: MethodConfig['kind']): number {
  return c.tol ?? officialRk45Tol(kind);
}

/**
 * Mean bits/dim of held-out images under a model: RK45 likelihood ODE, uniform dequantization (PFGM §3, score_sde
 * App. D.2), averaged over `passes` passes (Poisson_flow run_lib.py:286-288, score_sde run_lib.py:242).
 */
export async function imageBitsPerDim(method: Method, p: Predictor, test: ImageDataset, c: BpdConfig, seed: number): Promise<{ bpd: number; nfe: number }> {
  const n = Math.min(c.images, test.length);
  const passes = c.passes ?? 1;
  if (!Number.isInteger(passes) || passes < 1) throw new Error(`bpd.passes ${passes}: expected a positive integer (the official evaluation makes 5)`);
  const tol = bpdTol(c, method.config.kind);
  const solver: SolverSpec = { kind: 'rk45', rtol: tol, atol: tol, maxSteps: c.maxSteps };
  const base = new Rng(seed, [0xb9d]);
  let total = 0;
  let nfe = 0;
  for (let pass = 0; pass < passes; pass++) {
    const rng = pass === 0 ? base : base.child(0xa55 + pass); // pass 0 keeps the one-pass draws
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
  }
  return { bpd: total / (n * passes), nfe };
}
