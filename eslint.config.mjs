// ESLint flat config: typescript-eslint's recommended rules, tuned to flag likely bugs without
// restating what tsc's strict flags already check. Formatting is prettier's job, not ESLint's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node's CommonJS globals, for the few plain .js launchers (bin/, notebooks/eecal.js). */
const nodeCommonJsGlobals = Object.fromEntries(
  ['require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer'].map((g) => [
    g,
    'readonly',
  ]),
);

export default defineConfig(
  {
    // Build output, dependencies, data and generated reports are not source.
    ignores: [
      'dist/**',
      'node_modules/**',
      'native/build/**',
      'results/**',
      'datasets/**',
      'models/**',
      'docs/reproduction/**',
      '.jupyter/**',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // tsc reports unused locals and parameters (noUnusedLocals, noUnusedParameters): one report is enough.
      '@typescript-eslint/no-unused-vars': 'off',
      // A lazy require() is how eecal keeps optional peers (tfjs-node, tslab, the native addon) and heavy
      // modules (tfjs, mathjs) off the import path of code that does not use them.
      '@typescript-eslint/no-require-imports': 'off',
      // == only where it means "null or undefined".
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: nodeCommonJsGlobals },
  },
);
