import {runAction} from './run.js'
import {annotation} from './workflow-commands.js'

// The entry GitHub's runner starts (action.yml `runs.main`, bundled to action/dist/index.js).
try {
  process.exitCode = await runAction({env: process.env, cwd: process.cwd(), write: (text) => process.stdout.write(text)})
} catch (error) {
  // One line naming what failed; the stack only when the workflow asks for debug output.
  const debug = Boolean(process.env.DEBUG) || process.env.RUNNER_DEBUG === '1'
  const text = error instanceof Error ? (debug ? (error.stack ?? error.message) : (error.message.split('\n')[0] ?? '')) : String(error)
  process.stdout.write(`${annotation('error', `trailgate crashed: ${text}`, {title: 'trailgate'})}\n`)
  process.exitCode = 2
}
