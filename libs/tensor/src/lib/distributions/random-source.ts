/**
 * The draws the float64 samplers need. `Rng` implements it; the samplers take this interface (not the class) so
 * that `rng.ts` can delegate to them without an import cycle.
 */
export interface RandomSource {
  /** Uniform float64 in [0, 1). */
  next(): number;
  /** Uniform float64 in (0, 1): never 0, safe under log. */
  nextOpen(): number;
  /** Standard normal float64. */
  nextNormal(): number;
}

/** Throws a clear error unless `value` is a finite number > 0 (a Gamma/Beta shape parameter). */
export function assertShapeParameter(name: string, value: number, hint = ''): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new Error(
      `invalid ${name} = ${String(value)}: expected a finite number > 0` + (hint ? ` (${hint})` : ''),
    );
  }
}

/** Throws a clear error unless `value` is an integer ≥ `min` (a count or dimension). */
export function assertCount(name: string, value: number, min = 0): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`invalid ${name} = ${String(value)}: expected an integer ≥ ${min}`);
  }
}
