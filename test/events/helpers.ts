import {readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {loadPolicyFile} from '../../src/policy/load.js'
import type {Policy} from '../../src/policy/types.js'

export const EVENT_POLICY_DIR = fileURLToPath(new URL('../../policies/events', import.meta.url))
export const FIXTURES = fileURLToPath(new URL('../../fixtures/events', import.meta.url))
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The built-in event detections, each loaded with the project's own policy loader. */
export function loadEventPack(): Policy[] {
  return readdirSync(EVENT_POLICY_DIR)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.tests.yaml') && name !== 'cis-metric-filters.json')
    .sort()
    .map((name) => {
      const loaded = loadPolicyFile(`${EVENT_POLICY_DIR}/${name}`, {builtin: true})
      if (!loaded.policy) throw new Error(`${name}: ${loaded.diagnostics.map((d) => d.message).join('; ')}`)
      return loaded.policy
    })
}

/** The same pack with opt-in policies switched on, as a user who configures them would run it. */
export function enabledEventPack(): Policy[] {
  return loadEventPack().map((policy) => ({...policy, disabled: false}))
}
