import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * The layering of src/, bottom to top (docs/architecture.md). A folder may import its own layer and
 * those below it, never one above: a folder that needs something from above takes it as a parameter.
 * Folders of one line are one layer only where they do not import each other (inputs, live).
 */
const LAYERS = [
  ['model', 'util'],
  ['policy'],
  ['events'],
  ['inputs', 'live'],
  ['archive', 'sql'],
  ['engine'],
  ['report'],
  ['cli'],
  ['commands', 'action'],
  ['entry'],
]
const ALL_FOLDERS = LAYERS.flat()

function layeringRules() {
  return LAYERS.flatMap((layer, index) =>
    layer.map((folder) => {
      const above = LAYERS.slice(index + 1).flat()
      const siblings = layer.filter((other) => other !== folder && !(folder === 'model' || folder === 'util'))
      const forbidden = [...above, ...siblings]
      const allowed = ALL_FOLDERS.filter((name) => !forbidden.includes(name))
      return {
        files: [`src/${folder}/**/*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: forbidden.map((name) => ({
                group: [`**/${name}/*`, `**/${name}/**`],
                message: `src/${folder} may import only ${allowed.join(', ')}: src/${name} is ${above.includes(name) ? 'above it' : 'beside it'} in the layering (docs/architecture.md).`,
              })),
            },
          ],
        },
      }
    }),
  )
}

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'fixtures/**', 'coverage/**', 'action/dist/**', '**/*.d.ts']},
  js.configs.recommended,
  tseslint.configs.recommended,
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
  layeringRules(),
)
