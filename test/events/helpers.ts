import {readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {selectPolicies} from '../../src/engine/select.js'
import {loadPolicyFile} from '../../src/policy/load.js'
import type {Policy} from '../../src/policy/types.js'

export const EVENT_POLICY_DIR = fileURLToPath(new URL('../../policies/events', import.meta.url))
export const FIXTURES = fileURLToPath(new URL('../../fixtures/events', import.meta.url))
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Every built-in event detection, opt-in ones included, each loaded with the project's own policy loader. */
export function allEventPolicies(): Policy[] {
  return readdirSync(EVENT_POLICY_DIR)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.tests.yaml') && name !== 'cis-metric-filters.json')
    .sort()
    .map((name) => {
      const loaded = loadPolicyFile(`${EVENT_POLICY_DIR}/${name}`, {builtin: true})
      if (!loaded.policy) throw new Error(`${name}: ${loaded.diagnostics.map((d) => d.message).join('; ')}`)
      return loaded.policy
    })
}

/** The detections a default run selects (opt-in ones left out), chosen by the commands' own selection. */
export function loadEventPack(): Policy[] {
  return selectPolicies(allEventPolicies(), {only: [], skip: []}).selected
}

/** Every detection, opt-in ones too, selected as `--only id,id,…` naming them all selects them. */
export function enabledEventPack(): Policy[] {
  const all = allEventPolicies()
  return selectPolicies(all, {only: all.map((policy) => policy.id), skip: []}).selected
}
