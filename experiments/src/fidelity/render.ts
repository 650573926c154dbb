import { showValue } from './check.js';
import { formatSource, OFFICIAL_REPOS } from './sources.js';
import { GROUPS, type FidelityEntry } from './table.js';

/** The command that regenerates FIDELITY.md (from the repository root). */
export const REGENERATE = 'npx tsx --conditions=@pfgm/source experiments/src/fidelity/write.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|');
const status = (e: FidelityEntry) => (e.status === 'deviation' ? `deviation (${e.deviation ?? '?'})` : e.status);

/** FIDELITY.md for the table: pure function of the recorded values (the spec checks them against the code). */
export function renderFidelity(table: readonly FidelityEntry[]): string {
  const count = (f: (e: FidelityEntry) => boolean) => table.filter(f).length;
  const dev = (k: string) => count((e) => e.status === 'deviation' && e.deviation === k);
  const out: string[] = [
    '# Fidelity: every default and its official source',
    '',
    `Generated from \`experiments/src/fidelity/table.ts\` by \`${REGENERATE}\`; do not edit by hand.`,
    '`experiments/src/fidelity/fidelity.spec.ts` reads every "ours" value from the code (the config and defaults functions,',
    'or a call of the real code on a tiny input), so a changed default fails the spec until the table records the new value',
    'and says why; it also fails when this file is stale.',
    '',
    `**${table.length} entries**: ${count((e) => e.status === 'official')} official, ${count((e) => e.status === 'rule')} rule, ` +
      `${count((e) => e.status === 'deviation')} deviation (${dev('deliberate')} deliberate, ${dev('budget')} CPU budget, ${dev('open')} open).`,
    '',
    '- **official**: ours equals the official code\'s value at the cited line.',
    '- **rule**: no official config covers the case (data other than CIFAR-10 / CelebA / LSUN, 2-D toys); the note gives the rule.',
    '- **deviation**: ours differs; the note says why and what number it changes. *deliberate*: a choice; *budget*: the CPU',
    '  presets; *open*: a difference not (yet) decided, to fix or to justify.',
    '',
    'Line numbers refer to these commits (`Poisson_flow/likelihood.py:160` is `likelihood.py` line 160 of Newbeeer/Poisson_flow):',
    '',
    '| short name | repository | commit | what |',
    '|---|---|---|---|',
    ...Object.entries(OFFICIAL_REPOS).map(([k, r]) => `| ${k} | ${r.github} | \`${r.commit.slice(0, 10)}\` | ${r.what} |`),
    '',
  ];
  const open = table.filter((e) => e.status === 'deviation' && e.deviation === 'open');
  if (open.length > 0) {
    out.push('## Open deviations', '');
    for (const e of open) out.push(`- \`${e.id}\` — ${e.what}: ours ${showValue(e.value)}, official ${showValue(e.official)} (${e.source.map(formatSource).join(', ')}).`);
    out.push('');
  }
  for (const g of GROUPS) {
    const rows = table.filter((e) => e.group === g);
    if (rows.length === 0) continue;
    out.push(`## ${g}`, '', '| id | what | ours | official | status | source | project code |', '|---|---|---|---|---|---|---|');
    for (const e of rows) {
      const official = e.status === 'rule' ? '(no official config)' : showValue(e.official);
      out.push(`| \`${e.id}\` | ${cell(e.what)} | ${cell(showValue(e.value))} | ${cell(official)} | ${status(e)} | ${e.source.map((s) => `\`${formatSource(s)}\``).join(', ')} | ${cell(e.code)} |`);
    }
    const notes = rows.filter((e) => e.note);
    if (notes.length > 0) {
      out.push('');
      for (const e of notes) out.push(`- \`${e.id}\`: ${e.note}`);
    }
    out.push('');
  }
  return out.join('\n');
}
