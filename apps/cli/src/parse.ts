import { InvalidArgumentError } from 'commander';

/** Commander parser for a finite number option. */
export function num(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
    return x;
  };
}

/** Commander parser for an integer option. */
export function int(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isInteger(x)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
    return x;
  };
}

/** Commander parser for one of a fixed set of words. */
export function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (v: string): T => {
    if (!allowed.includes(v as T)) throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}, got "${v}"`);
    return v as T;
  };
}
