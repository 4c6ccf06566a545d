#!/usr/bin/env node
// The project's one test command (`npm test`, also what CI runs): type-check, lint, build, the
// vitest suites, and the EventBridge conformance run when its cases are present. It ends with a
// plain "N passed, N failed" line, counting each test and each of the other checks.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const env = {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'}
let passed = 0
let failed = 0
const failures = []

function step(name, command, args) {
  process.stdout.write(`\n── ${name}\n`)
  const run = spawnSync(command, args, {cwd: root, stdio: 'inherit', env})
  const ok = run.status === 0
  if (ok) passed++
  else {
    failed++
    failures.push(name)
  }
  return ok
}

const npx = (bin, ...args) => [join(root, 'node_modules', '.bin', bin), ...args]

step('type-check', process.execPath, npx('tsc', '-p', 'tsconfig.test.json'))
step('lint', process.execPath, npx('eslint', '.'))
const built = step('build', 'npm', ['run', '--silent', 'build'])

const resultsDir = mkdtempSync(join(tmpdir(), 'trailgate-test-'))
const resultsFile = join(resultsDir, 'vitest.json')
process.stdout.write('\n── vitest\n')
const vitest = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`], {cwd: root, stdio: 'inherit', env})
if (existsSync(resultsFile)) {
  const json = JSON.parse(readFileSync(resultsFile, 'utf8'))
  passed += json.numPassedTests
  failed += json.numFailedTests
  // A suite that fails to load has no failed test but must still fail the run.
  const brokenSuites = json.testResults.filter((suite) => suite.status === 'failed' && suite.assertionResults.every((a) => a.status !== 'failed'))
  failed += brokenSuites.length
  if (json.numFailedTests > 0 || brokenSuites.length > 0) failures.push('vitest')
} else {
  failed++
  failures.push(`vitest (exit ${vitest.status}, no results written)`)
}
rmSync(resultsDir, {recursive: true, force: true})

const conformanceCases = join(root, '..', 'shared', 'conformance', 'eventbridge')
if (built && existsSync(conformanceCases)) step('EventBridge conformance', process.execPath, [join(root, 'scripts', 'conformance.js'), conformanceCases])

if (failures.length > 0) process.stdout.write(`\nFailed: ${failures.join(', ')}\n`)
process.stdout.write(`\n${passed} passed, ${failed} failed\n`)
process.exit(failed > 0 ? 1 : 0)
