import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import noOnlyTests from 'eslint-plugin-no-only-tests';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts', 'test/src/**/*.ts'], ...lit.configs['flat/recommended'] },
  {
    files: ['test/**/*.ts'],
    plugins: { 'no-only-tests': noOnlyTests },
    rules: {
      'no-only-tests/no-only-tests': [
        'error',
        { block: ['describe', 'it', 'test', 'suite', 'context'], focus: ['only', 'skip'] },
      ],
    },
  },
);
