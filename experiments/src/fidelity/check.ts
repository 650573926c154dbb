import type { FidelityEntry, Value } from './table.js';

/** Exact deep equality of table values (object key order ignored; numbers compared with ===). */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, (b as readonly Value[])[i]));
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  const ra = a as { readonly [k: string]: Value };
  const rb = b as { readonly [k: string]: Value };
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue(ra[k], rb[k]));
}

/** Compact one-line form of a value (the doc and the messages). */
export function showValue(v: Value | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v).replace(/,/g, ', ').replace(/:/g, ': ').replace(/"/g, '');
}

/**
 * What is wrong with one entry: the code no longer gives the recorded value (a default changed: update the table and
 * say why), an 'official' entry whose value is not the official one, a 'deviation' that now equals the official value,
 * a rule or deviation without its note. Empty when the entry holds.
 */
export async function checkEntry(e: FidelityEntry): Promise<string[]> {
  const problems: string[] = [];
  let got: Value;
  try {
    got = await e.get();
  } catch (err) {
    return [`${e.id}: reading the value from the code failed: ${(err as Error).message}`];
  }
  if (!sameValue(got, e.value)) {
    problems.push(`${e.id}: the code now gives ${showValue(got)}, the fidelity table records ${showValue(e.value)} (${e.code}). ` +
      'A default changed: update `value` in experiments/src/fidelity/table.ts, set `status` (official / rule / deviation) and say why in `note`, then regenerate FIDELITY.md.');
  }
  if (e.source.length === 0) problems.push(`${e.id}: no source (official file:line, or the project file of the rule)`);
  switch (e.status) {
    case 'official':
      if (!sameValue(e.value, e.official)) problems.push(`${e.id}: status 'official' but value ${showValue(e.value)} ≠ official ${showValue(e.official)}; mark it 'deviation' with the reason`);
      break;
    case 'rule':
      if (e.official !== undefined) problems.push(`${e.id}: a 'rule' has no official value; use 'official' or 'deviation'`);
      if (!e.note) problems.push(`${e.id}: a 'rule' needs its rule in \`note\``);
      break;
    case 'deviation':
      if (e.official === undefined) problems.push(`${e.id}: a 'deviation' needs the official value`);
      else if (sameValue(e.value, e.official)) problems.push(`${e.id}: marked 'deviation' but now equals the official value ${showValue(e.official)}; mark it 'official'`);
      if (!e.note) problems.push(`${e.id}: a 'deviation' needs why and what number it changes in \`note\``);
      if (e.deviation === undefined) problems.push(`${e.id}: a 'deviation' needs its kind (deliberate / budget / open)`);
      break;
  }
  return problems;
}
