import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateReleased, RELEASED_MODELS, releasedModel, type ReleasedModel } from './released-models.js';

const root = mkdtempSync(join(tmpdir(), 'pfgm-released-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('released models', () => {
  it('lists each with a consistent method, D and sampler', () => {
    for (const m of RELEASED_MODELS) {
      expect(m.method === 'pfgmpp', m.id).toBe(m.D !== undefined);
      expect(m.solver.solver, m.id).toBe(m.method === 'pfgm' || m.method === 'vp' ? 'rk45' : 'heun');
      expect(m.url, m.id).toMatch(/^https:\/\//);
    }
    expect(new Set(RELEASED_MODELS.map((m) => m.id)).size).toBe(RELEASED_MODELS.length);
    expect(() => releasedModel('pfgm-mnist')).toThrow(/^unknown released model "pfgm-mnist"; expected one of pfgm-cifar10-ddpmpp, /);
  });

  it('says in one line where to put a missing file and where to download it', () => {
    expect(() => locateReleased(releasedModel('pfgm-cifar10-ddpmpp'), root)).toThrow(
      /^released model pfgm-cifar10-ddpmpp: no checkpoint_\*\.pth in .*pfgm-cifar10-ddpmpp\/; download it from https:\/\/drive\.google\.com\/\S+ \(Newbeeer\/Poisson_flow README/,
    );
  });

  it('picks the last numbered checkpoint and checks the recorded size and sha256', () => {
    const dir = join(root, 'vp-cifar10-ddpmpp-continuous');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'checkpoint_8.pth'), 'eight');
    writeFileSync(join(dir, 'checkpoint_26.pth'), 'twenty-six');
    const m = releasedModel('vp-cifar10-ddpmpp-continuous');
    expect(locateReleased(m, root)).toBe(join(dir, 'checkpoint_26.pth'));
    const sha = createHash('sha256').update('twenty-six').digest('hex');
    writeFileSync(join(root, 'released.json'), JSON.stringify({ [m.id]: { size: 10, sha256: sha } }));
    expect(locateReleased(m, root)).toBe(join(dir, 'checkpoint_26.pth'));
    writeFileSync(join(root, 'released.json'), JSON.stringify({ [m.id]: { size: 11 } }));
    expect(() => locateReleased(m, root)).toThrow(/checkpoint_26\.pth has 10 bytes, released\.json records 11 \(truncated or another file\?\)$/);
    writeFileSync(join(root, 'released.json'), JSON.stringify({ [m.id]: { sha256: '00' } }));
    expect(() => locateReleased(m, root)).toThrow(/has sha256 [0-9a-f]{64}, released\.json records 00$/);
    writeFileSync(join(root, 'released.json'), '{');
    expect(() => locateReleased(m, root)).toThrow(/released\.json: not valid JSON/);
    rmSync(join(root, 'released.json'));
  });

  it('finds PFGM++ checkpoints stored as .pt or as .pkl', () => {
    const dir = join(root, 'pfgmpp-cifar10-ncsnpp-d128');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'training-state-200000.pkl'), 'x');
    expect(locateReleased(releasedModel('pfgmpp-cifar10-ncsnpp-d128'), root)).toBe(join(dir, 'training-state-200000.pkl'));
  });
});

// Where the official repositories are mirrored locally (developer machines; CI has no network to fetch them, so this
// is skipped there), each entry is checked against the README that links it and the code that reads the file.
const MIRRORS = '/work/.mirror';
const REPO_OF: [RegExp, string][] = [
  [/^Newbeeer\/Poisson_flow/, 'Newbeeer+Poisson_flow'],
  [/^yang-song\/score_sde_pytorch/, 'yang-song+score_sde_pytorch'],
  [/^Newbeeer\/pfgmpp/, 'Newbeeer+pfgmpp'],
  [/^NVlabs\/edm/, 'NVlabs+edm'],
];
const mirrored = (repo: string, path: string): string => execFileSync('git', ['-C', `${MIRRORS}/${repo}/repo`, 'show', `HEAD:${path}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
const haveMirrors = REPO_OF.every(([, r]) => existsSync(`${MIRRORS}/${r}/repo`));
/** The official code line that names the file a loader reads, per repository (score_sde run_lib.py, pfgmpp generate.py). */
const READER: Record<string, { path: string; says: (m: ReleasedModel) => string[] }> = {
  'Newbeeer+Poisson_flow': { path: 'run_lib.py', says: () => ["f'checkpoint_{ckpt * config.training.snapshot_freq}.pth'"] },
  'yang-song+score_sde_pytorch': { path: 'run_lib.py', says: () => ["f'checkpoint_{ckpt}.pth'"] },
  'Newbeeer+pfgmpp': { path: 'generate.py', says: () => ['"training-state-*.pkl"', '"training-state-*.pt"'] },
  'NVlabs+edm': { path: 'README.md', says: (m) => [String(m.file)] },
};

// Skipped only where the local mirrors of the official repositories (fetched into /work/.mirror for fixture
// generation, never committed) are absent: the file names and published numbers are then pinned by the specs above.
describe.skipIf(!haveMirrors)('released models against the official READMEs (local mirrors of the official repositories)', () => {
  it.each(RELEASED_MODELS.map((m) => [m.id, m] as const))('%s: the README links its URL with its published FID; the official code reads its file name', (_id, m) => {
    const repo = (REPO_OF.find(([re]) => re.test(m.published.source)) as [RegExp, string])[1];
    const readme = mirrored(repo, 'README.md');
    const link = m.url.replace(/^https:\/\/drive\.google\.com\/(drive\/folders|file\/d)\//, '');
    const line = readme.split('\n').find((l) => l.includes(link));
    expect(line, `${m.url} in ${repo}/README.md`).toBeDefined();
    if (repo === 'NVlabs+edm') expect(readme).toContain(`FID of ${m.published.fid.toFixed(2)} for CIFAR-10 in a class-conditional setting`);
    else expect(line, 'published FID on the same README line').toMatch(new RegExp(`\\b${m.published.fid.toFixed(2).replace('.', '\\.')}\\b`));
    if (m.published.is !== undefined) expect(line).toMatch(new RegExp(`\\b${m.published.is.toFixed(2).replace('.', '\\.')}\\b`));
    // What the loader looks for is what the official code reads: score_sde checkpoint_<n>.pth; PFGM++ generate.py
    // globs training-state-*.pt, or training-state-*.pkl with --use_pickle ("some of the checkpoints are in .pkl").
    const reader = READER[repo];
    const code = mirrored(repo, reader.path);
    for (const s of reader.says(m)) expect(code, `${repo}/${reader.path} reads ${s}`).toContain(s);
    const patterns = Array.isArray(m.file) ? m.file : [m.file];
    if (repo === 'Newbeeer+pfgmpp') expect(patterns).toEqual(['training-state-*.pt', 'training-state-*.pkl']);
    else if (repo !== 'NVlabs+edm') expect(patterns).toEqual(['checkpoint_*.pth']);
  });
});
