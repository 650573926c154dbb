import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, DONE_FILE, gitState, METRICS_FILE, PROVENANCE_FILE, readJson, writeJson } from '@pfgm/report';
import { CELLS_DIR, METRICS_TABLE_MD, type CellRecord } from './run-layout.js';

// ----------------------------------------------------------------------------
// Recomputing cells of an existing run (`--recompute`), e.g. after a method fix: the old records are moved aside, never
// deleted, and put back when the recompute stops before it wrote anything.
// ----------------------------------------------------------------------------

/** The plan's cell ids that `opts.recompute` names (`*` matches any text); one line naming the fix for bad input. */
export function recomputeIds(name: string, opts: { runId?: string; overwrite?: boolean; recompute?: readonly string[] }, plan: readonly string[]): string[] {
  if (opts.runId === undefined) throw new Error(`${name}: recompute needs the run id of an existing run (--run-id <id>)`);
  if (opts.overwrite) throw new Error(`${name}: recompute and overwrite exclude each other: overwrite replaces the whole run, recompute only the named cells`);
  const ids = new Set<string>();
  for (const pattern of opts.recompute ?? []) {
    const glob = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
    const hit = plan.filter((id) => glob.test(id));
    if (hit.length === 0) throw new Error(`${name}: recompute "${pattern}" matches no cell of the plan; its cells are ${plan.join(', ')}`);
    hit.forEach((id) => ids.add(id));
  }
  return plan.filter((id) => ids.has(id));
}

/** `text` with the characters that a RegExp treats specially escaped. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Name of the folder, under a run, that keeps the records replaced by a recompute. */
export const SUPERSEDED_DIR = 'superseded';

/** What {@link supersede} moved: from `dir` to `to`, paths relative to both. */
export interface Superseded {
  dir: string;
  to: string;
  ids: readonly string[];
  moved: readonly string[];
  records: ReadonlyMap<string, CellRecord>;
}

/**
 * Moves the records (and artifact folders) of `ids` and a finished run's report markers into
 * `<dir>/superseded/<time>/`, beside copies of the run's config.json and provenance.json and a `why.json` naming the
 * cells and the commit that moved them. The caller holds the lock.
 */
export function supersede(dir: string, ids: readonly string[], log: (m: string) => void): Superseded {
  if (!existsSync(join(dir, CONFIG_FILE))) throw new Error(`recompute: ${dir} is not an existing run (no ${CONFIG_FILE}); run it first, without recompute`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const to = join(dir, SUPERSEDED_DIR, stamp);
  mkdirSync(join(to, CELLS_DIR), { recursive: true });
  const moved: string[] = [];
  const records = new Map<string, CellRecord>();
  for (const id of ids) {
    const current = join(dir, CELLS_DIR, `${id}.json`);
    const last = existsSync(current) ? current : lastSuperseded(dir, id); // an interrupted recompute: its record moved already
    if (last !== undefined) records.set(id, readJson<CellRecord>(last));
    for (const name of [`${id}.json`, id]) {
      const from = join(dir, CELLS_DIR, name);
      if (!existsSync(from)) continue;
      renameSync(from, join(to, CELLS_DIR, name));
      moved.push(`${CELLS_DIR}/${name}`);
    }
  }
  for (const name of [DONE_FILE, METRICS_FILE, METRICS_TABLE_MD]) {
    if (!existsSync(join(dir, name))) continue;
    renameSync(join(dir, name), join(to, name));
    moved.push(name);
  }
  // The config and provenance the old records were computed under (provenance is put back if the recompute is refused).
  for (const name of [CONFIG_FILE, PROVENANCE_FILE]) copyFileSync(join(dir, name), join(to, name));
  writeJson(join(to, 'why.json'), { at: new Date().toISOString(), recompute: ids, moved, git: gitState() });
  log(`recompute: ${ids.length} cell(s) of ${dir} will be computed again; the old records are in ${to}`);
  return { dir, to, ids, moved, records };
}

/** The newest superseded record of cell `id` under `dir`, if any (stamps sort by time). */
function lastSuperseded(dir: string, id: string): string | undefined {
  const root = join(dir, SUPERSEDED_DIR);
  if (!existsSync(root)) return undefined;
  return readdirSync(root).sort().reverse().map((stamp) => join(root, stamp, CELLS_DIR, `${id}.json`)).find((f) => existsSync(f));
}

/** Puts what {@link supersede} moved back and removes its folder (nothing new was written in between). */
export function unsupersede(s: Superseded): void {
  for (const rel of s.moved) {
    if (existsSync(join(s.to, rel)) && !existsSync(join(s.dir, rel))) renameSync(join(s.to, rel), join(s.dir, rel));
  }
  if (existsSync(join(s.to, PROVENANCE_FILE))) copyFileSync(join(s.to, PROVENANCE_FILE), join(s.dir, PROVENANCE_FILE));
  rmSync(s.to, { recursive: true, force: true });
  const parent = join(s.dir, SUPERSEDED_DIR);
  if (readdirSync(parent).length === 0) rmSync(parent, { recursive: true });
}
