import oclif from 'eslint-config-oclif'
import prettier from 'eslint-config-prettier'

export default [
  {ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results/']},
  ...oclif,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // The JetStream API and our JSON contract use snake_case field names.
      camelcase: 'off',
      // Order matters in oclif's args (positional order): never sort object keys automatically.
      'perfectionist/sort-objects': 'off',
      'no-fallthrough': ['error', {allowEmptyCase: true}],
      'unicorn/import-style': 'off',
      'unicorn/text-encoding-identifier-case': 'off',
      complexity: 'off',
      'max-params': ['error', 6],
      'mocha/no-empty-description': 'off',
      'mocha/no-top-level-hooks': 'off',
      'n/no-process-exit': 'off',
      // fetch is stable in Node 20 (experimental only by this plugin's table).
      'n/no-unsupported-features/node-builtins': 'off',
      'no-await-in-loop': 'off',
      // Data goes to stdout through the command's helpers, never console.log.
      'no-console': 'error',
      'no-control-regex': 'off',
      'no-warning-comments': 'off',
      'prefer-destructuring': 'off',
      'unicorn/filename-case': 'off',
      'unicorn/no-anonymous-default-export': 'off',
      'unicorn/no-array-for-each': 'off',
      'unicorn/no-array-reduce': 'off',
      'unicorn/no-lonely-if': 'off',
      'unicorn/no-process-exit': 'off',
      'unicorn/no-useless-undefined': 'off',
      'unicorn/prefer-event-target': 'off',
      'unicorn/prefer-string-raw': 'off',
      'unicorn/prefer-top-level-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      'mocha/max-top-level-suites': 'off',
      'mocha/no-mocha-arrows': 'off',
      'mocha/no-setup-in-describe': 'off',
      'no-console': 'off',
      'unicorn/consistent-function-scoping': 'off',
    },
  },
]
