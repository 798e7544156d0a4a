import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A caught value is `unknown`: it may be anything a `throw` was given, and reading `.message` of one that
// is not an Error gives undefined, or throws. shared/util/error-message.ts turns any of them into text.
const ERROR_MESSAGE_HINT =
  'use errorMessage(err) from shared/util/error-message.ts for the text of a caught value';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', 'charts/', 'crds/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Production code; tests, e2e support, benchmarks and scripts may read a message as they like.
    ignores: ['**/*.test.ts', 'e2e/**', 'bench/**', 'scripts/**', 'test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          // (err as Error).message
          selector:
            'MemberExpression[property.name="message"] > TSAsExpression.object[typeAnnotation.typeName.name="Error"]',
          message: ERROR_MESSAGE_HINT,
        },
        {
          // err instanceof Error ? err.message : String(err)
          selector:
            'ConditionalExpression[test.operator="instanceof"][test.right.name="Error"][consequent.property.name="message"]',
          message: ERROR_MESSAGE_HINT,
        },
      ],
    },
  },
);
