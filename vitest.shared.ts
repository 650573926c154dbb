import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const setup = fileURLToPath(new URL('./libs/tensor/src/test-setup.ts', import.meta.url));

/** Shared vitest settings: node environment, sources via the `@pfgm/source` export condition. */
export function vitestConfig(name: string, overrides: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { conditions: ['@pfgm/source'] },
    ssr: { resolve: { conditions: ['@pfgm/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.spec.ts'],
      testTimeout: overrides.testTimeout ?? 30_000,
      pool: 'forks',
      passWithNoTests: true,
      setupFiles: [setup],
      reporters: ['default'],
    },
  });
}
