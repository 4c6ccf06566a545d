import {describe, expect, it} from 'vitest'

import {secretsToMask} from '../../src/action/secrets.js'

describe('secrets to mask', () => {
  it('masks AWS credentials, access key ids anywhere, and variables named like secrets', () => {
    expect(
      secretsToMask({
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLE',
        NOTES: 'old key ASIAJEXAMPLEXEG2JICE retired',
        DEPLOY_PASSWORD: 'hunter2hunter2',
        PRIVATE_KEY: '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0\n-----END KEY-----',
      }),
    ).toEqual(['-----BEGIN KEY-----', '-----END KEY-----', 'AKIAIOSFODNN7EXAMPLE', 'ASIAJEXAMPLEXEG2JICE', 'IQoJb3JpZ2luX2VjEXAMPLE', 'MIIEvQIBADANBgkqhkiG9w0', 'hunter2hunter2', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'])
  })

  it('leaves alone paths, URLs, short values and what the runner already masks', () => {
    expect(
      secretsToMask({
        AWS_SHARED_CREDENTIALS_FILE: '/home/runner/.aws/credentials',
        AWS_WEB_IDENTITY_TOKEN_FILE: '/tmp/token',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/x',
        GITHUB_TOKEN: 'ghs_0123456789abcdef',
        INPUT_PARAMS: 'a.token=12345678',
        TOKEN: 'short',
        AWS_REGION: 'us-east-1',
      }),
    ).toEqual([])
  })
})
