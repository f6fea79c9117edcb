// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'bench/peers/', 'coverage/', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    // Type-aware rules: a promise nobody awaits or handles is how a rejection goes unhandled.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // The engine is plain TypeScript: it must run, and be tested, without any framework.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'express', 'class-validator', 'class-transformer', 'pg', 'better-sqlite3'], message: 'src/engine stays framework-free.' },
            { group: ['**/persistence/**', '**/api/**', '**/core/**', '**/scheduler/**', '**/config/**', '**/observability/**', '**/cli/**', '**/client/**'], message: 'src/engine depends on nothing outside it.' },
          ],
        },
      ],
    },
  },
  {
    // The testing kit runs workflows without Nest: a workflow author's test needs no application.
    files: ['src/testing/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*', '**/api/**', '**/scheduler/**', '**/workflows.module'], message: 'The testing kit stays free of Nest.' }] },
      ],
    },
  },
  {
    // The CLI and the HTTP client talk HTTP only: the engine's types, never its code, nor a database.
    files: ['src/cli/**/*.ts', 'src/client/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/engine/**', '**/engine'], allowTypeImports: true, message: 'Only types from the engine: the CLI and the client talk HTTP.' },
            { group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'better-sqlite3', '**/persistence/**', '**/api/**', '**/core/**', '**/scheduler/**'], message: 'The CLI and the client talk HTTP only.' },
          ],
        },
      ],
    },
  },
);
