/** scipy `_ivp.common.norm`: RMS norm ‖v‖₂/√n, accumulated in float64 on the host. */
export function rmsNorm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s) / Math.sqrt(v.length);
}
