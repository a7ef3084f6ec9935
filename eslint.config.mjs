// ESLint (typescript-eslint) for correctness; formatting is Prettier's (eslint-config-prettier turns
// the overlapping rules off). Module boundaries are checked by dependency-cruiser (.dependency-cruiser.cjs).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'data/**', 'coverage/**', 'tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Unused arguments named _x are intentional (interface signatures).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Nest's DI and GraphQL decorators take classes and thunks that the checker sees as unbound.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The browser pages have their own tsconfig (DOM, JSX for Preact); their build config runs in Node; their unit specs
    // (pure code only) run in jest's unit tier with tsconfig.test.json.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    ignores: ['web/**/*.spec.ts'],
    languageOptions: { parserOptions: { project: ['./web/tsconfig.json', './web/tsconfig.node.json'], tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
