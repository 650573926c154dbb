import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', 'results/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/src/**/*.ts'],
    rules: {
      // The layering of pfgm-bench, checked: numerics never import models; only apps compose everything.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:native', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:native'] },
            { sourceTag: 'type:numerics', onlyDependOnLibsWithTags: ['type:util', 'type:numerics'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:eval', onlyDependOnLibsWithTags: ['type:util', 'type:numerics', 'type:native'] },
            { sourceTag: 'type:report', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:network', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:model', onlyDependOnLibsWithTags: ['type:util', 'type:numerics', 'type:network', 'type:model'] },
            { sourceTag: 'type:train', onlyDependOnLibsWithTags: ['type:util', 'type:numerics', 'type:network', 'type:model', 'type:data'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
];
