import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pfgmTrainingDefaults, pfgmppTrainingDefaults, vpTrainingDefaults } from '@pfgm/methods';
import { trainDefaultsFor } from '@pfgm/runs';
import { checkEntry, sameValue } from './check.js';
import { REGENERATE, renderFidelity } from './render.js';
import { formatSource, OFFICIAL_REPOS, type SourceRef } from './sources.js';
import { FIDELITY_TABLE, GROUPS, type FidelityEntry } from './table.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MIRRORS = '/work/.mirror';

describe('fidelity table', () => {
  it('has unique ids, known groups and a source per entry', () => {
    const ids = FIDELITY_TABLE.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of FIDELITY_TABLE) {
      expect(GROUPS).toContain(e.group);
      expect(e.source.length, e.id).toBeGreaterThan(0);
    }
  });

  // (1) the code still gives every recorded value, (2) official entries equal the official value, rules and
  // deviations carry their note.
  it.each(FIDELITY_TABLE.map((e) => [e.id, e] as const))('%s: the code gives the recorded value and the status holds', async (_id, e) => {
    expect(await checkEntry(e)).toEqual([]);
  });

  // (3) the document is the generator's output.
  it('FIDELITY.md is up to date', () => {
    const path = fileURLToPath(new URL('./FIDELITY.md', import.meta.url));
    const onDisk = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const fresh = renderFidelity(FIDELITY_TABLE);
    if (onDisk !== fresh) expect.fail(`experiments/src/fidelity/FIDELITY.md is stale: regenerate it with \`${REGENERATE}\` (from the repository root) and commit it`);
  });

  it('the two places of the training defaults agree (libs/runs trainDefaultsFor, libs/methods *TrainingDefaults)', () => {
    const pick = (lr: number, batch: number, clip: number | null, warmupSteps: number) => ({ lr, batch, clip: clip ?? 0, warmupSteps });
    const pf = pfgmTrainingDefaults();
    const vp = vpTrainingDefaults();
    const pp = pfgmppTrainingDefaults();
    const rp = trainDefaultsFor('pfgm', 'paper');
    const rv = trainDefaultsFor('vp', 'paper');
    const rpp = trainDefaultsFor('pfgmpp', 'paper');
    expect(pick(rp.lr, rp.batchSize, rp.gradClip, rp.warmup)).toEqual(pick(pf.lr, pf.batchSize, pf.gradClip, pf.warmup.length));
    expect(rp.referenceSize).toBe(pf.referenceBatchSize);
    expect(rp.ema).toEqual({ kind: 'decay', beta: pf.ema.kind === 'decay' ? pf.ema.decay : NaN, warmup: true });
    expect(pick(rv.lr, rv.batchSize, rv.gradClip, rv.warmup)).toEqual(pick(vp.lr, vp.batchSize, vp.gradClip, vp.warmup.length));
    expect(pick(rpp.lr, rpp.batchSize, rpp.gradClip, rpp.warmup)).toEqual(pick(pp.lr, pp.batchSize, pp.gradClip, Math.round(pp.warmup.length / pp.batchSize)));
    expect(rpp.ema).toEqual(pp.ema.kind === 'half-life' ? { kind: 'halflife', images: pp.ema.images, rampup: pp.ema.rampup } : null);
  });
});

// (4) the pin works: a table entry that no longer matches the code, or whose status is wrong, is reported.
describe('fidelity check (meta)', () => {
  const entry = FIDELITY_TABLE.find((e) => e.id === 'pfgm-z-exp-official') as FidelityEntry;

  it('reports a changed default: the recorded value differs from what the code gives', async () => {
    const stale: FidelityEntry = { ...entry, value: { cifar10: 0, celeba64: 1, lsunBedroom256: 0.1 } };
    const problems = await checkEntry(stale);
    expect(problems.join('\n')).toMatch(/pfgm-z-exp-official: the code now gives \{cifar10: 5, celeba64: 1, lsunBedroom256: 0\.1\}, the fidelity table records \{cifar10: 0/);
  });

  it('reports a code change the same way (the getter reads the code)', async () => {
    const changedCode: FidelityEntry = { ...entry, get: () => ({ cifar10: 0, celeba64: 1, lsunBedroom256: 0.1 }) };
    expect((await checkEntry(changedCode)).join('\n')).toMatch(/the code now gives \{cifar10: 0.*update `value`/);
  });

  it("reports an 'official' entry that differs from the official value, and a 'deviation' that no longer does", async () => {
    expect((await checkEntry({ ...entry, official: { cifar10: 4, celeba64: 1, lsunBedroom256: 0.1 } })).join('\n')).toMatch(/status 'official' but value/);
    expect((await checkEntry({ ...entry, status: 'deviation', deviation: 'open', note: 'x' })).join('\n')).toMatch(/marked 'deviation' but now equals the official value/);
    expect((await checkEntry({ ...entry, status: 'rule', official: undefined, note: undefined })).join('\n')).toMatch(/a 'rule' needs its rule/);
  });

  it('compares values exactly, ignoring object key order', () => {
    expect(sameValue({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameValue({ a: 1e-4 }, { a: 1.00001e-4 })).toBe(false);
    expect(sameValue([1, 2], [1, 2, 3])).toBe(false);
  });
});

// Where the official repositories are mirrored locally (developer machines), every cited line must still hold the
// cited words, so a line number cannot silently point at something else. Skipped elsewhere (CI has no mirrors).
function linesOf(s: SourceRef): string[] | null {
  if (s.repo === 'project') {
    const p = `${ROOT}${s.path}`;
    return existsSync(p) ? readFileSync(p, 'utf8').split('\n') : null;
  }
  const r = OFFICIAL_REPOS[s.repo];
  const dir = `${MIRRORS}/${r.github.replace('/', '+')}/repo`;
  if (!existsSync(dir)) return null;
  return execFileSync('git', ['-C', dir, 'show', `${r.commit}:${s.path}`], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n');
}

const haveMirrors = Object.values(OFFICIAL_REPOS).every((r) => existsSync(`${MIRRORS}/${r.github.replace('/', '+')}/repo`));

// Skipped where the official repositories are not mirrored locally (CI has no network to fetch them); the value pins
// above run everywhere. The mirrors come from the search tool's fetch (see FIDELITY.md).
describe.skipIf(!haveMirrors)('fidelity sources (local mirrors of the official repositories)', () => {
  const refs = FIDELITY_TABLE.flatMap((e) => e.source.map((s) => [`${e.id} ${formatSource(s)}`, s] as const));
  it.each(refs)('%s holds the cited words', (_label, s) => {
    const lines = linesOf(s);
    if (lines === null) return; // a project file outside this checkout (e.g. ../shared/research)
    const text = (s.from === 0 ? lines : lines.slice(s.from - 1, s.to)).join('\n');
    for (const w of s.has) expect(text, `${formatSource(s)} should contain "${w}"`).toContain(w);
  });
});
