import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {cloudFormationReader} from '../../../src/inputs/cloudformation/index.js'
import {terraformPlanReader} from '../../../src/inputs/terraform/index.js'
import type {TrailEvidence} from '../../../src/inputs/types.js'
import {FIXTURES, read} from './helpers.js'

const DIR = `${FIXTURES}/equivalence`
const json = (name: string) => JSON.parse(readFileSync(`${DIR}/${name}`, 'utf8')) as Record<string, unknown>

/** The trail as the AWS CLI shows it after deploy: describe-trails + get-trail-status + get-event-selectors. */
function deployed(): Record<string, unknown> {
  const [trail] = json('aws-cli/describe-trails.json').trailList as Record<string, unknown>[]
  return {...trail, Status: {IsLogging: json('aws-cli/get-trail-status-equivalence-trail.json').IsLogging}, EventSelectors: json('aws-cli/get-event-selectors-equivalence-trail.json').EventSelectors}
}

/** The fields policies read; status timestamps only exist after deploy. */
function comparable(document: TrailEvidence['document'] | Record<string, unknown>): Record<string, unknown> {
  const {Status, ...rest} = document as Record<string, unknown>
  return {...rest, Status: {IsLogging: (Status as {IsLogging?: unknown}).IsLogging}}
}

describe('one trail, before and after deploy', () => {
  const options = {regions: ['us-east-1'], account: '111122223333'}

  it('reads the CloudFormation template into the same document the AWS CLI shows', async () => {
    const output = await read(cloudFormationReader, `${DIR}/cloudformation/template.yaml`, options)
    expect(output.trails).toHaveLength(1)
    expect(comparable(output.trails[0]!.document)).toEqual(deployed())
  })

  it('reads the Terraform plan into the same document the AWS CLI shows', async () => {
    const output = await read(terraformPlanReader, `${DIR}/terraform/plan.json`, options)
    expect(output.trails).toHaveLength(1)
    expect(comparable(output.trails[0]!.document)).toEqual(deployed())
  })
})
