// Helpers of the e2e spec: the chromium gate, a production build of the page, and a static server for it.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Chromium the specs drive: Debian's package (`apt-get install -y chromium`), or PFGM_CHROMIUM. */
export const CHROMIUM = process.env['PFGM_CHROMIUM'] || '/usr/bin/chromium';

/**
 * Whether the browser specs run, and the failure to report when they cannot: Chromium must be installed unless
 * `PFGM_CHROMIUM_UNAVAILABLE=1` says this machine cannot have it (CI installs it, so there a missing browser is a
 * failure, never a silent skip). Same pattern as @pfgm/native's `nativeSpecGate`.
 */
export function chromiumSpecGate(): { available: boolean; missing: string | null } {
  if (fs.existsSync(CHROMIUM)) return { available: true, missing: null };
  const allowed = process.env['PFGM_CHROMIUM_UNAVAILABLE'] === '1';
  return {
    available: false,
    missing: allowed
      ? null
      : `Chromium not found at ${CHROMIUM}: the playground's e2e specs drive a real browser. Install Debian's package ` +
        `(\`apt-get install -y chromium\`, as .ci/run does), point PFGM_CHROMIUM at a Chromium binary, or set ` +
        'PFGM_CHROMIUM_UNAVAILABLE=1 where no browser can be installed',
  };
}

export const APP_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the page (the same `vite build` as `nx run playground:build`) into a fresh temporary folder. */
export async function buildPage(): Promise<string> {
  const { build } = await import('vite');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pfgm-playground-'));
  await build({
    configFile: path.join(APP_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves a static folder on 127.0.0.1 (a random port); returns its URL and a close function. */
export async function serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.join(dir, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
