import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'fixtures/**', 'coverage/**', 'action/dist/**', '**/*.d.ts']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', performance: 'readonly', structuredClone: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', AbortController: 'readonly', queueMicrotask: 'readonly', setInterval: 'readonly', clearInterval: 'readonly'},
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      // Spreading an array into a call puts every element on the stack: past about 125,000 it
      // throws RangeError. Loop, or use concat/reduce, whatever the array's size looks like today.
      'no-restricted-syntax': [
        'error',
        {selector: 'CallExpression > SpreadElement', message: 'Do not spread an array into a call (push(...x), Math.max(...x)): it throws past ~125,000 elements. Use a loop, concat or reduce.'},
        {selector: 'NewExpression > SpreadElement', message: 'Do not spread an array into a constructor call: it throws past ~125,000 elements.'},
      ],
    },
  },
)
