import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A caught value is `unknown`: it may be anything a `throw` was given, and reading `.message` of one that
// is not an Error gives undefined, or throws. shared/util/error-message.ts turns any of them into text.
const ERROR_MESSAGE_HINT =
  'use errorMessage(err) from shared/util/error-message.ts for the text of a caught value';

// controller/runtime/ is generic machinery (controller-runtime's counterpart): it may not import the
// operator's domain. It takes domain values as parameters or options, and generic Kubernetes types from
// shared/kube/. Import specifiers are relative, so each depth below controller/runtime/ gets the number of
// '../' that reaches the domain folders from there (a runtime file's own '../status/' is the runtime's).
const DOMAIN_FOLDERS = ['shared/api', 'controller/reconcilers', 'controller/children', 'controller/status'];
const RUNTIME_BOUNDARY_MESSAGE =
  'controller/runtime/ is generic: take domain values as parameters or options, and Kubernetes types from shared/kube/';

function runtimeBoundary(depth) {
  const toRoot = `(\\.\\./){${depth + 2}}`;
  const toController = `(\\.\\./){${depth + 1}}`;
  const patterns = DOMAIN_FOLDERS.flatMap((folder) => {
    const [top, rest] = folder.split('/');
    const escaped = rest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return [
      `^${toRoot}${top}/${escaped}(/|$)`,
      ...(top === 'controller' ? [`^${toController}${escaped}(/|$)`] : []),
    ];
  });
  return {
    files: [`controller/runtime/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: patterns.map((regex) => ({ regex, message: RUNTIME_BOUNDARY_MESSAGE })) },
      ],
    },
  };
}

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
  ...[0, 1, 2, 3].map(runtimeBoundary),
);
