import cliProgress from 'cli-progress';

/** A progress reporter: a bar on a terminal, a line every ~5% otherwise (CI logs). */
export interface Progress {
  update(done: number, fields?: Record<string, string | number>): void;
  stop(): void;
}

/** Steps done/total with rate and ETA; `fields` are shown after them (e.g. loss). */
export function progress(label: string, total: number, start = 0, stream: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = Date.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted} | {extra}`, stream, hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, start, { rate: '0', extra: '' });
    return {
      update: (done, fields = {}) => bar.update(done, { rate: rate(done - start, t0), extra: fmt(fields) }),
      stop: () => bar.stop(),
    };
  }
  const every = Math.max(1, Math.round(total / 20));
  return {
    update: (done, fields = {}) => {
      if (done % every !== 0 && done !== total) return;
      const r = (done - start) / Math.max((Date.now() - t0) / 1000, 1e-9);
      const eta = r > 0 ? (total - done) / r : NaN;
      stream.write(`${label} ${done}/${total} | ${r.toFixed(2)}/s | ETA ${Number.isFinite(eta) ? `${Math.round(eta)}s` : '?'} | ${fmt(fields)}\n`);
    },
    stop: () => undefined,
  };
}

function rate(n: number, t0: number): string {
  return (n / Math.max((Date.now() - t0) / 1000, 1e-9)).toFixed(2);
}

function fmt(fields: Record<string, string | number>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toPrecision(4) : v}`)
    .join(' | ');
}
