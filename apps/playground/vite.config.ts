import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { nodeStubs } from './node-stubs.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The playground: a static page built from the libraries' sources (export condition `@pfgm/source`). */
export default defineConfig({
  root,
  base: './',
  plugins: [nodeStubs()],
  resolve: { conditions: ['@pfgm/source', 'browser', 'module', 'import', 'default'] },
  optimizeDeps: { exclude: ['@pfgm/tensor', '@pfgm/field', '@pfgm/ode', '@pfgm/methods', '@pfgm/data', '@pfgm/eval', '@pfgm/train', '@pfgm/networks', '@pfgm/native'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    // @pfgm/tensor's Node wasm loader imports tfjs-backend-wasm dynamically; the page imports it statically (backend.ts).
    rolldownOptions: { checks: { ineffectiveDynamicImport: false } },
  },
  server: { port: 4300 },
  preview: { port: 4301 },
});
