import type { Row } from '../harness/experiment.js';
import { fmtInterval, judge, values, type ClaimResult } from './claim.js';
import { contrast } from './contrast.js';

/**
 * Claim 5 (PFGM paper, §5.2 "weaker architecture"): with a weaker backbone (DDPM instead of DDPM++), PFGM's FID
 * degrades much less than VP-ODE's. Judged on the difference of differences
 * [FD_VP(ddpm) − FD_VP(ddpmpp)] − [FD_PFGM(ddpm) − FD_PFGM(ddpmpp)] > 0 over independent trainings (Welch).
 */
export function weakerArchitectureClaim(rows: readonly Row[], fd: string, weak = 'ddpm-small', strong = 'ddpmpp-small'): ClaimResult {
  const v = (m: string, net: string): number[] => values(rows, (r) => r.method === m && r.net === net && r.solver === 'RK45', fd);
  const c = contrast([
    { values: v('VP-ODE', weak), weight: 1 },
    { values: v('VP-ODE', strong), weight: -1 },
    { values: v('PFGM', weak), weight: -1 },
    { values: v('PFGM', strong), weight: 1 },
  ]);
  const dV = contrast([{ values: v('VP-ODE', weak), weight: 1 }, { values: v('VP-ODE', strong), weight: -1 }]);
  const dP = contrast([{ values: v('PFGM', weak), weight: 1 }, { values: v('PFGM', strong), weight: -1 }]);
  return judge('5. With a weaker backbone (DDPM vs DDPM++), PFGM degrades less than VP-ODE', 'PFGM paper, §5.2 (weaker architecture)', [{ what: `RK45 FD: [VP ${weak} − ${strong}] − [PFGM ${weak} − ${strong}]`, interval: c }], (verdict) =>
    `${verdict}: FD change ${weak} − ${strong}: VP-ODE ${fmtInterval(dV)}, PFGM ${fmtInterval(dP)}; difference ${fmtInterval(c)}`);
}
