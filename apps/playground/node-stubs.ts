// Browser stand-ins for the Node-only modules that the libraries' index files import (node:fs, node:path, sharp, …).
//
// The playground imports the libraries unchanged, through their index files, so that it runs the same code the Node
// specs cover. Those index files also re-export Node-only helpers (file readers, the OpenBLAS addon, the wasm thread
// tricks for Node); the page never calls them. This plugin resolves each Node-only import to a generated module with
// the same export names, whose functions throw "… is not available in the browser" when called, so a Node-only path
// reached by mistake fails loudly instead of silently.
//
// A few are called while modules load (`createRequire(import.meta.url)`, `path.dirname(fileURLToPath(…))` at the top
// of @pfgm/native and the tfjs-wasm thread helper, `promisify(gunzip)` in @pfgm/data): those return an inert value that throws on first real use.
import { builtinModules } from 'node:module';
import type { Plugin } from 'vite';

/** npm packages that only work in Node (native addons, file-system archives). */
export const NODE_ONLY_PACKAGES = ['sharp', 'tar'] as const;

/** Functions called at module load by the libraries: they return an inert value instead of throwing. */
const CALLED_AT_LOAD: Record<string, readonly string[]> = {
  module: ['createRequire'],
  url: ['fileURLToPath', 'pathToFileURL'],
  path: ['dirname', 'join', 'resolve', 'basename', 'extname', 'relative', 'normalize'],
  util: ['promisify'],
};

const PREFIX = '\0pfgm-node-stub:';

function bare(id: string): string {
  return id.startsWith('node:') ? id.slice(5) : id;
}

/** Whether `id` is a Node built-in (with or without `node:`) or a listed Node-only package (or a subpath of one). */
export function isNodeOnly(id: string): boolean {
  const b = bare(id);
  if (builtinModules.includes(b)) return true;
  return NODE_ONLY_PACKAGES.some((p) => b === p || b.startsWith(`${p}/`));
}

const VALID_NAME = /^[A-Za-z_$][\w$]*$/;

/** The export names of the real module (read here in Node), so that named imports of the stub resolve. */
async function exportNames(id: string): Promise<string[]> {
  try {
    const mod = (await import(id)) as Record<string, unknown>;
    return Object.keys(mod).filter((k) => k !== 'default' && VALID_NAME.test(k));
  } catch {
    return [];
  }
}

/** Source of the stub module for `id`. */
export async function stubSource(id: string): Promise<string> {
  const b = bare(id);
  const lenient = CALLED_AT_LOAD[b] ?? [];
  const names = await exportNames(id);
  const lines = [
    `const where = ${JSON.stringify(id)};`,
    `function fail(what) { throw new Error(what + ' is not available in the browser (a Node-only path of a library was called from the playground)'); }`,
    // An inert value: any use of it (property, call, conversion) throws.
    `function inert(what) { const f = function () {}; return new Proxy(f, { get(_t, p) { if (p === Symbol.toPrimitive) return () => fail(what); fail(what + '.' + String(p)); }, apply() { fail(what); }, construct() { fail(what); } }); }`,
    `function strict(name) { return function () { fail(where + ' ' + name); }; }`,
    `function lenient(name) { return function () { return inert('the result of ' + where + ' ' + name); }; }`,
  ];
  for (const n of names) lines.push(`export const ${n} = ${lenient.includes(n) ? 'lenient' : 'strict'}(${JSON.stringify(n)});`);
  const members = names.map((n) => `${n}`).join(', ');
  lines.push(`const all = { ${members} };`);
  // Unknown members are strict functions too; `then` stays undefined so that the object is not taken for a promise.
  lines.push(`export default new Proxy(all, { get(t, p) { return p in t ? t[p] : (typeof p === 'symbol' || p === 'then' ? undefined : strict(String(p))); } });`);
  return lines.join('\n');
}

/** The Vite plugin: Node-only imports → generated stubs (dev server and build alike). */
export function nodeStubs(): Plugin {
  return {
    name: 'pfgm-node-stubs',
    enforce: 'pre',
    resolveId(id) {
      return isNodeOnly(id) ? PREFIX + id : null;
    },
    async load(id) {
      return id.startsWith(PREFIX) ? stubSource(id.slice(PREFIX.length)) : null;
    },
  };
}
