import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'eslint.config.js',
      '**/dist/**',
      '**/coverage/**',
      '**/node_modules/**',
      'scripts/**',
      '**/*.mjs',
      '**/*.cjs',
      'apps/*/webpack.config.*',
      'verification/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.ts', 'vitest.*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@cortex-os/*/src/*', '@cortex-os/*/dist/*'],
              message: 'Import packages only through their public index (named exports).',
            },
            {
              group: ['../../*/src/*', '../../../packages/*'],
              message: 'Cross-package relative imports are forbidden: use the package name.',
            },
          ],
        },
      ],
    },
  },
  { files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.{ts,tsx}'], rules: { 'no-console': 'error' } },
  {
    files: ['**/tests/**/*.{ts,tsx}', '**/*.test.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
