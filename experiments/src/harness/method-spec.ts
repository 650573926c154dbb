import type { MethodName } from '@pfgm/runs';

/** A method row of a table: PFGM, PFGM++ with D, EDM (PFGM++ with D = ∞) or VP-ODE. */
export type MethodSpec = { name: 'pfgm' } | { name: 'pfgmpp'; D: number } | { name: 'edm' } | { name: 'vp' };

/** The CLI method name and D of a spec (D = ∞ for EDM, unused by PFGM/VP). */
export function methodParts(m: MethodSpec): { methodName: MethodName; D: number } {
  switch (m.name) {
    case 'pfgmpp':
      return { methodName: m.D === Infinity ? 'edm' : 'pfgmpp', D: m.D };
    case 'edm':
      return { methodName: 'edm', D: Infinity };
    default:
      return { methodName: m.name, D: NaN };
  }
}

/** Table label: "PFGM", "PFGM++ (D=128)", "EDM (D=∞)", "VP-ODE". */
export function methodLabel(m: MethodSpec): string {
  switch (m.name) {
    case 'pfgm':
      return 'PFGM';
    case 'pfgmpp':
      return m.D === Infinity ? 'EDM (D=∞)' : `PFGM++ (D=${m.D})`;
    case 'edm':
      return 'EDM (D=∞)';
    case 'vp':
      return 'VP-ODE';
  }
}

/** File-safe id: pfgm, pfgmpp-d128, edm, vp. */
export function methodId(m: MethodSpec): string {
  return m.name === 'pfgmpp' ? (m.D === Infinity ? 'edm' : `pfgmpp-d${m.D}`) : m.name;
}

/** D as a table value: the number, Infinity for EDM, empty for PFGM and VP. */
export function methodD(m: MethodSpec): number | null {
  return m.name === 'pfgmpp' ? m.D : m.name === 'edm' ? Infinity : null;
}

/** PFGM++ rows over D, with D = ∞ as EDM (d-sweep, robustness). */
export function methodsOverD(ds: readonly number[]): MethodSpec[] {
  return ds.map((d) => (d === Infinity ? { name: 'edm' } : { name: 'pfgmpp', D: d }));
}
