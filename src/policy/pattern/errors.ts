import type {PatternPath} from './types.js'

/** An invalid pattern. The message is EventBridge's own wording where it has one, so it can be searched. */
export class PatternError extends Error {
  readonly path: PatternPath

  constructor(message: string, path: PatternPath) {
    super(message)
    this.name = 'PatternError'
    this.path = path
  }
}
