// Lint for the whole project: type-aware TypeScript rules, React hooks, import cycles and the
// boundaries of ARCHITECTURE.md (tests/boundaries.test.ts checks the same boundaries by reading files).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Every folder of renderer/features is a domain (jobs, runs, workers, ...): a new one is covered without editing this list.
const FEATURES = readdirSync(new URL('./renderer/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'out/', 'coverage/', 'node_modules/', 'docs/', 'bench/tmp/', 'tests/fakes/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './tsconfig.renderer.json', './tsconfig.electron.json'], tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })] },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './electron/core/coordinator',
              from: './electron/core/worker',
              message: 'The coordinator never imports the worker; put shared code in electron/core/runner or shared/.',
            },
            {
              target: './electron/core/worker',
              from: './electron/core/coordinator',
              message: 'The worker never imports the coordinator; put shared code in electron/core/runner or shared/.',
            },
            {
              target: './electron/core/runner',
              from: ['./electron/core/worker', './electron/core/coordinator'],
              message: 'The runner is used by both sides and imports neither.',
            },
            {
              target: './electron/core/client',
              from: ['./electron/core/worker', './electron/core/coordinator'],
              message: 'The client talks to the coordinator over its API; shared code lives in electron/core, runner or shared/.',
            },
            { target: './shared', from: ['./electron', './renderer'], message: 'shared/ imports only shared/.' },
            {
              target: [
                './electron/core/coordinator/workers',
                './electron/core/coordinator/runs',
                './electron/core/coordinator/files',
                './electron/core/coordinator/grading',
                './electron/core/coordinator/notify',
                './electron/core/coordinator/state',
              ],
              from: './electron/core/coordinator/http',
              message: 'Domain code refuses with a reason (refused.ts, shared/refusals.ts); only http/ speaks HTTP.',
            },
            { target: './renderer', from: './electron', message: 'The renderer also runs as a plain web page: no core or Electron code.' },
            ...FEATURES.map((feature) => ({
              target: `./renderer/features/${feature}`,
              from: FEATURES.filter((other) => other !== feature).map((other) => `./renderer/features/${other}`),
              message: 'Features do not import each other; move shared code to renderer/components or renderer/lib.',
            })),
            {
              target: ['./renderer/lib', './renderer/components'],
              from: ['./renderer/features', './renderer/app'],
              message: 'renderer/lib and renderer/components serve every feature and import none (nor the app shell).',
            },
            {
              target: './renderer/features',
              from: './renderer/app',
              message: 'The app shell (renderer/app) puts the features together; a feature never imports it.',
            },
          ],
        },
      ],
      // Only the Electron edge loads Electron: importing it from plain Node tries to download its binary.
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/main and electron/preload import electron.' }] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Small pieces stay small without anyone watching (tests are exempt below).
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  { files: ['electron/main/**', 'electron/preload/**', 'tests/fakes/**'], rules: { 'no-restricted-imports': 'off' } },
  {
    // Tests and measuring programs read JSON answers whose shape is exactly what they check or print.
    files: ['tests/**', 'bench/**', 'chaos/**'],
    rules: {
      'max-lines': 'off',
      'max-lines-per-function': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'The renderer runs in a browser: no node: modules.' }] }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
