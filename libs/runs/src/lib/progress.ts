import cliProgress from 'cli-progress';

/** A progress reporter: a bar on a terminal, otherwise a line at the first step, every `everyMs` (default 5 s) and at the end (CI logs). */
export interface Progress {
  update(done: number, fields?: Record<string, string | number>): void;
  stop(): void;
}

/** Steps done/total with rate and ETA; `fields` are shown after them (e.g. loss). */
export function progress(label: string, total: number, start = 0, stream: NodeJS.WriteStream = process.stderr, everyMs = 5000): Progress {
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
  let last = -Infinity;
  return {
    update: (done, fields = {}) => {
      const now = Date.now();
      if (now - last < everyMs && done !== total && last !== -Infinity) return;
      last = now;
      const r = (done - start) / Math.max((now - t0) / 1000, 1e-9);
      const eta = r > 0 ? (total - done) / r : NaN;
      stream.write(`${label} ${done}/${total} | ${r.toFixed(2)} it/s | ETA ${Number.isFinite(eta) ? formatEta(eta) : '?'} | ${fmt(fields)}\n`);
    },
    stop: () => undefined,
  };
}

/** Seconds as `42s`, `12m05s` or `3h07m`. */
export function formatEta(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function rate(n: number, t0: number): string {
  return (n / Math.max((Date.now() - t0) / 1000, 1e-9)).toFixed(2);
}

function fmt(fields: Record<string, string | number>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toPrecision(4) : v}`)
    .join(' | ');
}
