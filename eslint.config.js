import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', '.serverless/**', 'coverage/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The layers (README "Architecture"): a face sees the composition root and the input parsing, never the engine, an adapter or the core.
    files: ['functions/**/*.ts', 'bin/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(\\.\\./)+lib/(core|engine|drs|auth|http|ledger|notify)/',
          message: 'Faces import only from lib/app, lib/input, lib/errors.ts and lib/log.ts; re-export what a face needs there.',
        }],
      }],
    },
  },
  { files: ['**/*.mjs', '**/*.cjs', '**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  // CommonJS files (test support that runs under FunctionGraph's Node without a loader) load with require().
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
