/** Linear learning-rate warm-up (score_sde `optimization_manager`): lr·min(1, step/warmup). PFGM/VP: 5000 steps. */
export function warmupLr(lr: number, step: number, warmup: number): number {
  return warmup > 0 ? lr * Math.min(1, (step + 1) / warmup) : lr;
}

/** EDM EMA decay per step from a half-life in images with ramp-up (Karras et al. 2022, training_loop.py). */
export function edmEmaDecay(batch: number, imagesSeen: number, halfLifeImages: number, rampup = 0.05): number {
  const h = rampup > 0 ? Math.min(halfLifeImages, rampup * imagesSeen) : halfLifeImages;
  return 0.5 ** (batch / Math.max(h, 1e-8));
}

/** score_sde's EMA decay at update n = 1, 2, …: min(β, (1 + n)/(10 + n)) (`models/ema.py::ExponentialMovingAverage.update`). */
export function scoreSdeEmaDecay(beta: number, n: number): number {
  return Math.min(beta, (1 + n) / (10 + n));
}
