import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '@pfgm/tensor';
import { checkStoreProbes, PROBE_FILE } from './net-probe.js';

/**
 * Checks every finished model under a models folder (default results/models) against the current code with its
 * network probe (net-probe.ts): exit 1 naming each entry whose outputs moved. `--record` first records the probe of
 * entries that have none (run it at the commit that trained them). `--raw` checks the raw weights instead of the EMA.
 * Usage: npm run check-models -w experiments [-- <models dir>] [--record] [--raw]
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--record' && a !== '--raw');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown[0]}; expected [<models dir>] [--record] [--raw]`);
  const folder = args.find((a) => !a.startsWith('--'));
  const root = resolve(process.env.INIT_CWD ?? process.cwd(), folder ?? join(import.meta.dirname, '../../../results/models'));
  if (!existsSync(root)) throw new Error(`${root}: no such folder; pass the models folder (e.g. results/claims/models)`);
  await initBackend(undefined, { log: () => undefined });
  const r = await checkStoreProbes(root, { ema: !args.includes('--raw'), record: args.includes('--record') });
  for (const id of r.recorded) console.log(`${id}: recorded ${PROBE_FILE}`);
  for (const id of r.matched) console.log(`${id}: matches`);
  for (const line of r.changed) console.log(`${line}`);
  console.log(`${r.matched.length} match, ${r.recorded.length} recorded, ${r.changed.length} changed`);
  if (r.changed.length > 0) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(`check-models: ${e.message}`);
  process.exit(1);
});
