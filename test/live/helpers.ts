import type {FakeAws, FakeRequest} from './fake-aws/server.js'
import type {LiveOptions} from '../../src/live/index.js'

// The SDK warns on every load under Node 20; the tests have nothing to learn from it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

/** Options that point the real SDK at the fake endpoint with the given caller, and retry fast. */
export function liveOptions(fake: FakeAws, accessKeyId: string, extra: Partial<LiveOptions> = {}): LiveOptions {
  return {
    endpointUrl: fake.url,
    region: 'us-east-1',
    credentials: {accessKeyId, secretAccessKey: 'fake-secret'},
    retry: {baseDelayMs: 1, maxAttempts: 6},
    callTimeoutMs: 5_000,
    ...extra,
  }
}

export function answered(requests: FakeRequest[], filter: Partial<Pick<FakeRequest, 'operation' | 'account' | 'region' | 'service'>>): FakeRequest[] {
  return requests.filter(
    (request) =>
      request.status === 200 &&
      Object.entries(filter).every(([key, value]) => request[key as keyof FakeRequest] === value),
  )
}
