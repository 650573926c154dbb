// `pfgm stats`: Inception pool3 statistics (mu, sigma) of images or a dataset, as a pytorch-fid/TTUR-compatible .npz.
import type { Command } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { featureStats, writeStatsNpz } from '@pfgm/eval';
import { checkParentFolder } from '@pfgm/runs';
import { datasetStats, extractorFrom, imageSource, withInceptionOptions, type InceptionCliOptions } from './fid.js';

interface StatsOptions extends InceptionCliOptions {
  images?: string;
  data?: string;
  split: string;
  out: string;
  compress?: boolean;
}

/** Registers `pfgm stats`. */
export function registerStats(program: Command): void {
  withInceptionOptions(
    program
      .command('stats')
      .description("Inception pool3 statistics (mu, sigma; float64, 1/(N−1)) of images, written as .npz readable by pytorch-fid/TTUR"),
  )
    .option('--images <DIR|NPZ>', 'a folder of PNGs (native size) or an .npz of images')
    .option('--data <SPEC>', 'a dataset instead of images (e.g. cifar10; see --split)')
    .option('--split <split>', 'train | test (with --data)', 'train')
    .requiredOption('--out <PATH>', 'output .npz (mu, sigma)')
    .option('--limit <n>', 'use only the first n images')
    .option('--data-dir <DIR>', 'local dataset copies (with --data)')
    .option('--compress', 'deflate the .npz like np.savez_compressed')
    .action(async (o: StatsOptions, cmd: Command) => {
      const opts = { ...o, backend: (cmd.optsWithGlobals() as { backend?: string }).backend };
      if (!opts.images === !opts.data) throw new Error('pass exactly one of --images DIR|NPZ or --data SPEC');
      if (opts.split !== 'train' && opts.split !== 'test') throw new Error(`--split ${opts.split}: expected train or test`);
      // Cheap checks first: options, the output path and the input, then Inception.
      const limit = opts.limit === undefined ? undefined : Number(opts.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new Error(`--limit ${opts.limit}: expected a positive integer`);
      const batch = Number(opts.batch);
      if (!(Number.isInteger(batch) && batch > 0)) throw new Error(`--batch ${opts.batch}: expected a positive integer`);
      if (!opts.out.endsWith('.npz')) throw new Error(`--out ${opts.out}: expected an .npz file name`);
      checkParentFolder(opts.out);
      if (opts.images !== undefined && !existsSync(opts.images)) throw new Error(`--images ${opts.images}: no such folder or .npz`);
      const ex = await extractorFrom(opts);
      try {
        let stats;
        if (opts.data) stats = await datasetStats({ spec: opts.data, split: opts.split }, ex, opts, limit);
        else if (opts.images) {
          const src = await imageSource(opts.images, batch, limit);
          stats = (await featureStats(src.batches, ex, { onProgress: (d) => d === src.count && process.stderr.write(`${d} images\n`) })).stats;
        }
        else throw new Error('pass --images or --data');
        mkdirSync(dirname(opts.out), { recursive: true });
        await writeStatsNpz(opts.out, stats, opts.compress);
        console.log(`wrote ${opts.out}: mu [${stats.mu.length}], sigma [${stats.mu.length}, ${stats.mu.length}] from N = ${stats.n} images (${ex.mode})`);
        if (stats.n <= stats.mu.length) console.error(`warning: N = ${stats.n} ≤ ${stats.mu.length}: sigma is singular, FID against these stats will be unreliable`);
      } finally {
        ex.dispose();
      }
    });
}
