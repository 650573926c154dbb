import type { MethodConfig } from './types.js';

/**
 * The papers' RK45 tolerance (rtol = atol) for sampling and for the likelihood ODE: PFGM 1e-4 (Poisson_flow
 * sampling.py:668, likelihood.py:131-132), VP 1e-5 (score_sde sampling.py:415, likelihood.py:41). PFGM++/EDM ship no
 * RK45 or likelihood code: score_sde's 1e-5, the nearest official value.
 */
export function officialRk45Tol(kind: MethodConfig['kind']): number {
  switch (kind) {
    case 'pfgm':
      return 1e-4;
    case 'vp':
    case 'pfgmpp':
      return 1e-5;
  }
}
