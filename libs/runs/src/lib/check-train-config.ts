import { DIMENSION, domainMessage, inDomain, NON_NEGATIVE, NON_NEGATIVE_INT, POSITIVE, POSITIVE_INT, UNIT, type Domain } from './domains.js';
import type { TrainRunConfig } from './run-config.js';

/** A config value whose domain is checked, named by its CLI option. */
interface Rule {
  name: string;
  value: unknown;
  domain: Domain;
}

function rules(c: TrainRunConfig): Rule[] {
  const t = c.train;
  const r: Rule[] = [
    { name: '--steps', value: t.steps, domain: POSITIVE_INT },
    { name: '--batch', value: t.batchSize, domain: POSITIVE_INT },
    { name: '--lr', value: t.lr, domain: POSITIVE },
    { name: '--warmup', value: t.warmup, domain: NON_NEGATIVE_INT },
    { name: '--grad-clip', value: t.gradClip, domain: NON_NEGATIVE },
    { name: '--seed', value: t.seed, domain: NON_NEGATIVE_INT },
    { name: '--checkpoint-every', value: t.checkpointEvery, domain: NON_NEGATIVE_INT },
  ];
  switch (t.ema.kind) {
    case 'decay':
      r.push({ name: '--ema', value: t.ema.beta, domain: UNIT });
      break;
    case 'halflife':
      r.push({ name: 'ema.images', value: t.ema.images, domain: POSITIVE }, { name: 'ema.rampup', value: t.ema.rampup, domain: NON_NEGATIVE });
      break;
  }
  if (t.referenceSize !== undefined) r.push({ name: '--large-batch', value: t.referenceSize, domain: POSITIVE_INT });
  if (c.method.kind === 'pfgmpp') r.push({ name: '--D', value: c.method.D, domain: DIMENSION });
  if (c.data.limit !== undefined) r.push({ name: '--limit', value: c.data.limit, domain: POSITIVE_INT });
  if (c.data.size !== undefined) r.push({ name: '--size', value: c.data.size, domain: POSITIVE_INT });
  return r;
}

/** Every domain violation of a training config, one message each (empty when the config is valid). */
export function trainConfigProblems(c: TrainRunConfig): string[] {
  const problems = rules(c)
    .filter((r) => !inDomain(r.value, r.domain))
    .map((r) => domainMessage(r.name, r.value, r.domain));
  if (c.data.channels !== undefined && c.data.channels !== 1 && c.data.channels !== 3) problems.push(`--channels must be 1 or 3, got ${c.data.channels}`);
  const { referenceSize: L, batchSize: B } = c.train;
  if (L !== undefined && inDomain(L, POSITIVE_INT) && L < B) problems.push(`--large-batch (${L}) must be at least --batch (${B}): the batch is the first rows of the large batch`);
  return problems;
}

/** Throws one line listing every violation (checked before a run touches its folder). */
export function checkTrainConfig(c: TrainRunConfig): void {
  const p = trainConfigProblems(c);
  if (p.length > 0) throw new RangeError(p.join('; '));
}
