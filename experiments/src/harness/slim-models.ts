import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isRunFinished } from '@pfgm/report';
import { RUN_FILES } from '@pfgm/runs';
import { initBackend } from '@pfgm/tensor';
import { dropOptimizerState } from '@pfgm/train';

/**
 * Drops the optimizer state of every finished model under a models folder (default results/models), keeping
 * weights + EMA: what is committed (issue 14). Unfinished runs are left alone (they still need it to resume).
 * Usage: npm run slim-models -w experiments [-- <models dir>]
 */
async function main(): Promise<void> {
  const root = resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? join(import.meta.dirname, '../../../results/models'));
  if (!existsSync(root)) throw new Error(`${root}: no such folder; pass the models folder (e.g. results/models)`);
  await initBackend();
  let total = 0;
  for (const id of readdirSync(root).sort()) {
    const dir = join(root, id);
    const ckpt = join(dir, RUN_FILES.checkpoint);
    if (!existsSync(ckpt)) continue;
    if (!isRunFinished(dir)) {
      console.log(`${id}: not finished, kept as is`);
      continue;
    }
    const saved = await dropOptimizerState(ckpt);
    total += saved;
    console.log(`${id}: ${saved > 0 ? `dropped ${(saved / 1e6).toFixed(2)} MB of optimizer state` : 'already weights + EMA only'}`);
  }
  console.log(`saved ${(total / 1e6).toFixed(1)} MB`);
}

main().catch((e: Error) => {
  console.error(`slim-models: ${e.message}`);
  process.exit(1);
});
