import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseDocument} from 'yaml'
import {describe, expect, it} from 'vitest'

import {ACTION_INPUTS, inputVariable, parseInputs} from '../../src/action/inputs.js'
import {ACTION_OUTPUTS, failedRunOutputs, outputsFor} from '../../src/action/outputs.js'
import {reportOf} from './report-fixture.js'

const ROOT = join(import.meta.dirname, '..', '..')

interface ActionMetadata {
  name: string
  description: string
  inputs: Record<string, {description?: string; required?: boolean; default?: unknown}>
  outputs: Record<string, {description?: string}>
  runs: {using: string; main: string}
}

function metadata(): ActionMetadata {
  const document = parseDocument(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
  expect(document.errors.map((e) => e.message)).toEqual([])
  return document.toJS() as ActionMetadata
}

/** The INPUT_* variables a parse looks at, caught by a proxy standing in for the environment. */
function variablesRead(): string[] {
  const read = new Set<string>()
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, key) {
      if (typeof key === 'string') read.add(key)
      return undefined
    },
  })
  parseInputs(env)
  return [...read].filter((key) => key.startsWith('INPUT_')).sort()
}

describe('action.yml', () => {
  it('runs the committed bundle on node24', () => {
    const {runs} = metadata()
    expect(runs.using).toBe('node24')
    expect(runs.main).toBe('action/dist/index.js')
    expect(existsSync(join(ROOT, runs.main))).toBe(true)
  })

  it('declares exactly the inputs the code reads, each described', () => {
    const {inputs} = metadata()
    expect(Object.keys(inputs).sort()).toEqual([...ACTION_INPUTS].sort())
    expect(variablesRead()).toEqual(ACTION_INPUTS.map(inputVariable).sort())
    for (const [name, input] of Object.entries(inputs)) {
      expect(input.description?.trim(), name).toBeTruthy()
      expect(typeof input.default, `${name} default`).toBe('string')
    }
  })

  it('declares defaults the code agrees with', () => {
    const {inputs} = metadata()
    // The runner sets every input to its default when the workflow leaves it out.
    const fromDefaults = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [inputVariable(name), String(input.default)]))
    const withDefaults = parseInputs({...fromDefaults, INPUT_PATHS: 'cdk.out'})
    expect(withDefaults.problems).toEqual([])
    expect(withDefaults.inputs).toEqual(parseInputs({INPUT_PATHS: 'cdk.out'}).inputs)
  })

  it('declares exactly the outputs the code sets, each described', () => {
    const {outputs} = metadata()
    expect(Object.keys(outputs).sort()).toEqual([...ACTION_OUTPUTS].sort())
    expect(Object.keys(outputsFor(reportOf([]), {})).sort()).toEqual([...ACTION_OUTPUTS].sort())
    expect(Object.keys(failedRunOutputs(2)).sort()).toEqual([...ACTION_OUTPUTS].sort())
    for (const [name, output] of Object.entries(outputs)) expect(output.description?.trim(), name).toBeTruthy()
  })
})
