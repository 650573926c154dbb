import type { Contrast } from './contrast.js';

/** What an interval says about a claim (issue 14's three words). */
export type Verdict = 'reproduced' | 'not reproduced' | 'inconclusive at this scale';

/**
 * The verdict on a claim stated as "every one of these contrasts is > 0": reproduced when every interval lies above
 * 0, not reproduced when any lies below 0, inconclusive otherwise (some interval covers 0, or there is none).
 */
export function verdictOf(contrasts: readonly Contrast[]): Verdict {
  if (contrasts.length === 0) return 'inconclusive at this scale';
  if (contrasts.some((c) => c.hi < 0)) return 'not reproduced';
  if (contrasts.every((c) => c.lo > 0)) return 'reproduced';
  return 'inconclusive at this scale';
}

/** The verdict of a claim made of parts: not reproduced if any part is, reproduced if all are, else inconclusive. */
export function combineVerdicts(parts: readonly Verdict[]): Verdict {
  if (parts.length === 0) return 'inconclusive at this scale';
  if (parts.includes('not reproduced')) return 'not reproduced';
  return parts.every((v) => v === 'reproduced') ? 'reproduced' : 'inconclusive at this scale';
}
