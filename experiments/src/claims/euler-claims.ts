import type { Row } from '../harness/experiment.js';
import { difference, fmtInterval, judge, pairedDiffs, values, type ClaimResult, type Comparison } from './claim.js';
import { meanInterval } from './contrast.js';

const isMethod = (label: string) => (r: Row): boolean => r.method === label;
const euler = (nfe: number) => (r: Row): boolean => String(r.solver).startsWith('Euler') && Number(r.nfe) === nfe;

/**
 * Claim 1 (PFGM paper, Fig. 5a / §5.2 "step size"): PFGM is more robust to the Euler step size than VP-ODE. Judged
 * on the degradation FD(NFE) − FD(largest NFE) of each trained model (same seed), VP-ODE's minus PFGM's, at every
 * Euler NFE ≤ 20: the claim holds when VP-ODE degrades more at each of them.
 */
export function eulerRobustnessClaim(rows: readonly Row[], fd: string): ClaimResult {
  const nfes = [...new Set(rows.filter((r) => String(r.solver).startsWith('Euler')).map((r) => Number(r.nfe)))].sort((a, b) => a - b);
  const top = nfes[nfes.length - 1];
  const judged = nfes.filter((n) => n <= 20 && n < top);
  const degradation = (m: string, n: number): number[] => pairedDiffs(rows, (r) => isMethod(m)(r) && euler(n)(r), (r) => isMethod(m)(r) && euler(top)(r), fd);
  const comparisons: Comparison[] = judged.map((n) => ({ what: `Euler NFE ${n}: FD degradation from NFE ${top}, VP-ODE − PFGM`, interval: difference(degradation('VP-ODE', n), degradation('PFGM', n)) }));
  const absolute: Comparison[] = nfes.map((n) => ({ what: `Euler NFE ${n}: FD, VP-ODE − PFGM (not judged)`, interval: difference(values(rows, (r) => isMethod('VP-ODE')(r) && euler(n)(r), fd), values(rows, (r) => isMethod('PFGM')(r) && euler(n)(r), fd)) }));
  return {
    ...judge('1. PFGM is more robust to the Euler step size than VP-ODE', 'PFGM paper, Fig. 5(a) (FID vs NFE, Euler)', comparisons, (v) =>
      `${v}: FD degradation from NFE ${top} to NFE ${judged.join('/')} (VP-ODE − PFGM, 95 % Welch intervals) ${comparisons.map((c) => fmtInterval(c.interval)).join(' / ')}`),
    comparisons: [...comparisons, ...absolute],
  };
}

/**
 * Claim 2 (PFGM paper, Table 1: RK45 NFE ≈ 104 for PFGM vs ≈ 134 for VP-ODE on CIFAR-10): PFGM's adaptive RK45 needs
 * fewer function evaluations than VP-ODE's. Judged on NFE(VP-ODE) − NFE(PFGM) > 0; FD of both reported beside it.
 */
export function rk45NfeClaim(rows: readonly Row[], fd: string): ClaimResult {
  const rk45 = (m: string) => (r: Row): boolean => r.method === m && r.solver === 'RK45';
  const nfe = difference(values(rows, rk45('VP-ODE'), 'nfe'), values(rows, rk45('PFGM'), 'nfe'));
  const fdP = meanInterval(values(rows, rk45('PFGM'), fd));
  const fdV = meanInterval(values(rows, rk45('VP-ODE'), fd));
  const nP = meanInterval(values(rows, rk45('PFGM'), 'nfe'));
  const nV = meanInterval(values(rows, rk45('VP-ODE'), 'nfe'));
  return judge('2. PFGM\'s RK45 needs fewer NFE than VP-ODE\'s at similar quality', 'PFGM paper, Table 1 (NFE 104 vs 134 on CIFAR-10)', [{ what: 'RK45 NFE, VP-ODE − PFGM', interval: nfe }], (v) =>
    `${v}: RK45 NFE PFGM ${fmtInterval(nP, 0)} vs VP-ODE ${fmtInterval(nV, 0)} (difference ${fmtInterval(nfe, 0)}); FD ${fmtInterval(fdP)} vs ${fmtInterval(fdV)}`);
}
