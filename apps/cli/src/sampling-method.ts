import { makeMethod, type Method, type PfgmTime } from '@pfgm/methods';

/** The `--time` choices: PFGM's ODE variable per solver (`PfgmTime` of @pfgm/methods). */
export const PFGM_TIMES: readonly PfgmTime[] = ['official', 'log-z', 'z'];

/**
 * The method a sampling command integrates: the run's own, or PFGM with `--time` (official: RK45 in t = ln z and
 * Euler/Heun in z, Poisson_flow `sampling.py`; log-z / z: every solver in that variable). Only the sampler changes.
 */
export function samplingMethod(method: Method, time: PfgmTime | undefined): Method {
  if (time === undefined) return method;
  const c = method.config;
  if (c.kind !== 'pfgm') throw new Error(`--time applies to PFGM runs only (the ODE variable z or ln z); this run is ${c.kind === 'vp' ? 'VP-ODE' : 'PFGM++/EDM'}: drop --time`);
  return makeMethod({ ...c, time });
}
