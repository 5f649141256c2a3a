// Lint rules TypeScript does not enforce: no promise may float, and no function that returns one may throw synchronously.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'public/**', 'data/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits or catches can reject unheard, and an unhandled rejection ends the process.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // A promise where a plain value is expected (an if, a spread, a callback that ignores its result) is a bug.
      '@typescript-eslint/no-misused-promises': 'error',
      // A function that returns a promise must be async, so a refusal inside it rejects instead of throwing
      // while Promise.all's array is still being built (the crash GET /admin/rota had).
      '@typescript-eslint/promise-function-async': ['error', { checkArrowFunctions: false, allowedPromiseNames: ['QueryPromise'] }],
      '@typescript-eslint/await-thenable': 'error',
      // The rule above cannot see Drizzle's query builders (thenables, not Promises), so: a function that authorises is async.
      'no-restricted-syntax': [
        'error',
        {
          selector: ':function[async=false] > BlockStatement > ExpressionStatement > CallExpression[callee.name="authorise"]',
          message: 'A function that authorises must be async: a refusal must reject, not throw while Promise.all is being built',
        },
      ],
    },
  },
);
