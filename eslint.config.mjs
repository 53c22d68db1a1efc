// ESLint: typescript-eslint's recommended rules, import cycles between files, and the imports
// each floor may not make. The floors themselves are written down once, in docs/architecture.md
// and test/unit/architecture.test.ts (which checks them module by module, `import type` included).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      'node_modules/**',
      'web/dist/**',
      'web/src/api/schema.d.ts',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js'] })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'use a union of string literals' }],
    },
  },
  {
    // Vendor SDKs stay in channels/ and adapters/.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'twilio', message: 'Twilio lives in adapters/twilio and channels/twilio-*' },
            { name: '@slack/bolt', message: 'Slack lives in adapters/slack' },
            { name: 'openai', message: 'OpenAI lives in adapters/openai' },
            { name: '@aws-sdk/client-s3', message: 'S3 lives in adapters/s3' },
          ],
        },
      ],
    },
  },
  {
    // The console: TypeScript knows the browser's globals (web/tsconfig.json).
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
