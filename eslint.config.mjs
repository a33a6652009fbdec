import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Who may import whom. Every project carries one type tag and one scope tag; both constraints must hold.
export const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:composition',
      'type:feature',
      'type:runtime',
      'type:infra',
      'type:domain',
      'type:contracts',
      'type:util',
    ],
  },
  // Composes the stages into one process (the embedded mode); only apps use it.
  {
    sourceTag: 'type:composition',
    onlyDependOnLibsWithTags: ['type:feature', 'type:runtime', 'type:infra', 'type:contracts', 'type:util'],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: ['type:runtime', 'type:infra', 'type:domain', 'type:contracts', 'type:util'],
  },
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:util'] },
  {
    sourceTag: 'type:infra',
    onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:util', 'type:domain'],
  },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:contracts', 'type:util'],
  },
  // A stage's feature lib sees only shared libs, never another stage's.
  ...[
    'intake',
    'photo-screening',
    'issuance-data',
    'encode-lane',
    'pre-delivery',
    'delivery',
    'pki',
    'operator-dashboard',
    'virtual-card',
  ].map((scope) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
  })),
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:testing', 'type:infra', 'type:domain', 'type:contracts', 'type:util'],
  },
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  // The embedded runner composes every stage in one process.
  { sourceTag: 'scope:embedded', onlyDependOnLibsWithTags: ['*'] },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.nx/**',
      'coverage/**',
      '**/*.mjs',
      '**/*.js',
      '**/lint-fixtures/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], banTransitiveDependencies: false, depConstraints },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through @mnc/config, validated once.',
        },
      ],
    },
  },
  {
    // Config is the one place that reads the environment; tests and tools set it up.
    files: [
      'libs/config/**/*.ts',
      '**/*.spec.ts',
      'e2e/**/*.ts',
      'tools/**/*.ts',
      'bench/**/*.ts',
      'libs/testing/**/*.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  prettier,
);
