// The domains of every numeric option, in one place: the CLI's parsers, the experiments and the library entry points
// (trainRun, solverSpec) all check against these, so a value is refused the same way wherever it comes from.

/** The set a numeric option must lie in. */
export type Domain =
  | { kind: 'int'; min: number } // an integer ≥ min
  | { kind: 'positive' } // a finite number > 0
  | { kind: 'non-negative' } // a finite number ≥ 0
  | { kind: 'unit' } // a number in [0, 1)
  | { kind: 'dimension' }; // a positive integer or ∞

export const POSITIVE_INT: Domain = { kind: 'int', min: 1 };
export const NON_NEGATIVE_INT: Domain = { kind: 'int', min: 0 };
export const ANY_INT: Domain = { kind: 'int', min: -Infinity };
export const POSITIVE: Domain = { kind: 'positive' };
export const NON_NEGATIVE: Domain = { kind: 'non-negative' };
export const UNIT: Domain = { kind: 'unit' };
export const DIMENSION: Domain = { kind: 'dimension' };

/** The domain in words, e.g. "an integer ≥ 1". */
export function describeDomain(d: Domain): string {
  switch (d.kind) {
    case 'int':
      return d.min === -Infinity ? 'an integer' : d.min === 1 ? 'a positive integer (≥ 1)' : `an integer ≥ ${d.min}`;
    case 'positive':
      return 'a number > 0';
    case 'non-negative':
      return 'a number ≥ 0';
    case 'unit':
      return 'a number in [0, 1)';
    case 'dimension':
      return 'a positive integer or "inf"';
  }
}

/** True when `v` lies in `d`. */
export function inDomain(v: unknown, d: Domain): boolean {
  if (typeof v !== 'number' || Number.isNaN(v)) return false;
  switch (d.kind) {
    case 'int':
      return Number.isSafeInteger(v) && v >= d.min;
    case 'positive':
      return Number.isFinite(v) && v > 0;
    case 'non-negative':
      return Number.isFinite(v) && v >= 0;
    case 'unit':
      return v >= 0 && v < 1;
    case 'dimension':
      return v === Infinity || (Number.isSafeInteger(v) && v >= 1);
  }
}

/** The one-line message for a value outside its domain, e.g. `--steps must be a positive integer (≥ 1), got 0`. */
export function domainMessage(name: string, v: unknown, d: Domain): string {
  return `${name} must be ${describeDomain(d)}, got ${typeof v === 'string' ? `"${v}"` : String(v)}`;
}

/** Returns `v` when it lies in `d`, else throws the one-line message. */
export function checkDomain(name: string, v: unknown, d: Domain): number {
  if (!inDomain(v, d)) throw new RangeError(domainMessage(name, v, d));
  return v as number;
}

/** Parses a command-line word as a number of domain `d` ("inf" allowed for dimensions); throws the one-line message. */
export function parseInDomain(name: string, word: string, d: Domain): number {
  const v = d.kind === 'dimension' && /^(inf|infinity|∞)$/i.test(word.trim()) ? Infinity : word.trim() === '' ? NaN : Number(word);
  if (!inDomain(v, d)) throw new RangeError(domainMessage(name, word, d));
  return v;
}
