import { join } from 'node:path';
import { markdownTable, writeCsv, writeFileAtomic } from '@pfgm/report';
import type { ReportContext, Row } from '../harness/experiment.js';
import type { ClaimResult } from './claim.js';
import { lossCurves } from './loss-curves.js';
import { samplingNoise } from './noise.js';
import { seedSummary } from './seed-summary.js';

const num = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : x > 0 ? '∞' : x < 0 ? '−∞' : 'n/a');

/**
 * Writes a claims run's judgement: claims.md (verdicts, the intervals they rest on, the seed summary, FD's sampling
 * noise and how flat each model's loss ends), claims.csv (one row per comparison), summary.csv (per cell: mean, sd,
 * 95 % half-width over seeds) and the models' loss curves (loss-curves.svg/.png).
 */
export async function writeClaims(ctx: ReportContext<unknown>, fd: string, results: readonly ClaimResult[], modelsDir = join(ctx.dir, '..', '..', 'models')): Promise<string[]> {
  const loss = await lossCurves(ctx.dir, modelsDir, ctx.rows);
  const summary = seedSummary(ctx.rows, fd);
  const noise = samplingNoise(ctx.rows, fd);
  const comparisons: Row[] = results.flatMap((r) => r.comparisons.map((c) => ({ claim: r.claim, comparison: c.what, estimate: c.interval.estimate, lo95: c.interval.lo, hi95: c.interval.hi, df: c.interval.df, seeds: c.interval.n.join('/'), verdict: r.verdict })));
  writeCsv(join(ctx.dir, 'claims.csv'), comparisons);
  writeCsv(join(ctx.dir, 'summary.csv'), summary);
  const lines = [
    `# Claims — ${ctx.dir.split('/').slice(-2).join('/')}`,
    '',
    'Each comparison is a contrast of per-seed values (each seed trains its own model and samples with its own seed) with a',
    "95 % Welch interval (Welch–Satterthwaite df). A claim is **reproduced** when every interval it rests on lies above 0 in the",
    'paper\'s direction, **not reproduced** when one lies below 0, and **inconclusive at this scale** otherwise.',
    '',
    ...results.flatMap((r) => [`## ${r.claim}`, '', `Source: ${r.source}.`, '', `**Verdict: ${r.summary}**`, '', markdownTable(r.comparisons.map((c) => ({ comparison: c.what, estimate: num(c.interval.estimate), '95 % interval': `[${num(c.interval.lo)}, ${num(c.interval.hi)}]`, df: num(c.interval.df, 1), seeds: c.interval.n.join('/') }))), '']),
    '## Per cell over seeds',
    '',
    markdownTable(summary.map((s) => ({ method: s.method, D: s.D, net: s.net, solver: s.solver, alpha: s.alpha, quant_bits: s.quant_bits, seeds: s.seeds, [`${fd} mean ± sd`]: `${num(Number(s[`${fd}_mean`]))} ± ${num(Number(s[`${fd}_sd`]))}`, '95 % half-width': num(Number(s[`${fd}_ci95`])), NFE: num(Number(s.nfe_mean), 0), failed: s.failed_seeds }))),
    '',
    '## FD\'s own sampling noise',
    '',
    noise.length === 0
      ? 'This run drew no extra sampling seeds (noiseDraws: 0); the seed spread above contains the sampling noise.'
      : `The same trained model sampled with ${noise[0].draws} seeds (its own and 1001, 1002, …): the spread of FD from sampling alone, to compare with the differences judged above.\n\n${markdownTable(noise.map((n) => ({ method: n.method, net: n.net, solver: n.solver, 'training seed': n.seed, draws: n.draws, [`${fd} mean`]: num(n.mean), 'sd over sampling seeds': num(n.sd) })))}`,
    '',
    '## Training: are the loss curves flat?',
    '',
    loss.tails.length === 0
      ? '(no train-log.csv found beside the models)'
      : `${loss.files.length ? '![loss curves](loss-curves.svg)\n\n' : ''}Mean loss over the last tenth of the steps, and its change from the tenth before (near 0: flattened).\n\n${markdownTable(loss.tails.map((t) => ({ model: t.label, steps: t.steps, 'last-tenth loss': t.last.toPrecision(4), 'change vs previous tenth': `${(100 * t.change).toFixed(1)} %`, store: t.model })))}`,
    '',
  ];
  writeFileAtomic(join(ctx.dir, 'claims.md'), lines.join('\n'));
  return ['claims.md', 'claims.csv', 'summary.csv', ...loss.files];
}
