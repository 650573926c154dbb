import { describe, expect, it } from 'vitest';
import { isNodeOnly, stubSource } from '../node-stubs.js';

/** Evaluates a generated stub module in Node (as the page would in the browser). */
async function load(id: string): Promise<Record<string, unknown>> {
  return (await import(`data:text/javascript,${encodeURIComponent(await stubSource(id))}`)) as Record<string, unknown>;
}

describe('browser stand-ins for Node-only imports (node-stubs.ts)', () => {
  it('covers Node built-ins with and without node:, and the Node-only packages, not the libraries or tfjs', () => {
    for (const id of ['node:fs', 'fs', 'node:fs/promises', 'node:module', 'path', 'sharp', 'tar']) expect(isNodeOnly(id), id).toBe(true);
    for (const id of ['@tensorflow/tfjs-core', '@pfgm/field', 'fflate', './fs.js']) expect(isNodeOnly(id), id).toBe(false);
  });

  it('has every named export of the real module; calling one throws a clear error', async () => {
    const fs = await load('node:fs');
    expect(Object.keys(fs)).toEqual(expect.arrayContaining(['readFileSync', 'existsSync', 'createReadStream', 'default']));
    expect(() => (fs['readFileSync'] as () => void)()).toThrow(/node:fs readFileSync is not available in the browser/);
    expect(() => (fs['default'] as { statSync: () => void }).statSync()).toThrow(/not available in the browser/);
  });

  it('functions the libraries call while loading return an inert value that throws on first use', async () => {
    const mod = await load('node:module');
    const require = (mod['createRequire'] as (u: string) => (id: string) => unknown)('file:///x.js');
    expect(() => require('x')).toThrow(/not available in the browser/);
    const path = await load('node:path');
    const dir = (path['dirname'] as (p: string) => unknown)('/a/b');
    expect(() => String(dir)).toThrow(/not available in the browser/);
  });
});
