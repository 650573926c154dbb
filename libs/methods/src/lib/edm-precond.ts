/** EDM preconditioning coefficients at noise level σ (Karras et al. 2022, Table 1; PFGM++ `EDMPrecond`, spec §4.5). */
export interface EdmCoefficients {
  cSkip: number;
  cOut: number;
  cIn: number;
  cNoise: number;
  /** Loss weight λ(σ) = (σ² + σ_d²)/(σ·σ_d)². */
  lambda: number;
}

/** c_skip = σ_d²/(σ²+σ_d²), c_out = σσ_d/√(σ²+σ_d²), c_in = 1/√(σ²+σ_d²), c_noise = ln(σ)/4. */
export function edmCoefficients(sigma: number, sigmaData: number): EdmCoefficients {
  const s2 = sigma * sigma + sigmaData * sigmaData;
  return {
    cSkip: (sigmaData * sigmaData) / s2,
    cOut: (sigma * sigmaData) / Math.sqrt(s2),
    cIn: 1 / Math.sqrt(s2),
    cNoise: Math.log(sigma) / 4,
    lambda: s2 / (sigma * sigmaData) ** 2,
  };
}
