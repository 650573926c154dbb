import { InvalidArgumentError } from 'commander';
import { ANY_INT, DIMENSION, parseInDomain, type Domain } from '@pfgm/runs';

/** Commander parser for a number in `domain` (default: any finite number); the domains are @pfgm/runs' shared ones. */
export function num(name: string, domain?: Domain) {
  return (v: string): number => {
    if (domain !== undefined) return inDomain(name, v, domain);
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
    return x;
  };
}

/** Commander parser for an integer option in `domain` (default: any integer). */
export function int(name: string, domain: Domain = ANY_INT) {
  return (v: string): number => inDomain(name, v, domain);
}

/** Commander parser for PFGM++'s D: a positive integer or "inf". */
export function dimension(name: string) {
  return (v: string): number => inDomain(name, v, DIMENSION);
}

function inDomain(name: string, v: string, domain: Domain): number {
  try {
    return parseInDomain(name, v, domain);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** Commander parser for one of a fixed set of words. */
export function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (v: string): T => {
    if (!allowed.includes(v as T)) throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}, got "${v}"`);
    return v as T;
  };
}
