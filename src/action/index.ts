import {runAction} from './run.js'
import {annotation} from './workflow-commands.js'

// The entry GitHub's runner starts (action.yml `runs.main`, bundled to action/dist/index.js).
try {
  process.exitCode = await runAction({env: process.env, cwd: process.cwd(), write: (text) => process.stdout.write(text)})
} catch (error) {
  process.stdout.write(`${annotation('error', `trailgate crashed: ${(error as Error).stack ?? String(error)}`, {title: 'trailgate'})}\n`)
  process.exitCode = 2
}
