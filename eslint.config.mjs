// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'test-artifacts/', 'bench/results/'] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // `const { [field]: _, ...rest } = value` is how an object is copied without a field.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // Test doubles of async interfaces are written `async () => value`: like the real ones, they reject rather than throw.
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // Modules required lazily: a process never loads the code of a role it does not play, nor
    // prom-client where it serves no metrics, main.ts loads the application only once the command
    // line has parsed, memory/nest-load.ts loads Nest inside the wrappers that keep out what no role
    // uses, and the api bull-board only on the dashboard's first request.
    files: [
      'src/app.module.ts',
      'src/bootstrap.ts',
      'src/main.ts',
      'src/memory/nest-load.ts',
      'src/metrics/metrics.module.ts',
      'src/dashboard/queue-dashboard.ts',
    ],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain JavaScript is outside tsconfig.json, so it gets the rules that need no type information.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The preloads and the dependency-cruiser config are CommonJS scripts run by Node.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The demo page's script runs in the browser as a classic script.
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
  prettier,
);
