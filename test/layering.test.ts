import {join} from 'node:path'
import {ESLint} from 'eslint'
import {describe, expect, it} from 'vitest'

const ROOT = join(import.meta.dirname, '..')

/** What `npm run lint` says of one import written in a file of the given folder. */
async function lintImport(file: string, from: string): Promise<string[]> {
  const eslint = new ESLint({cwd: ROOT})
  const [result] = await eslint.lintText(`import {x} from '${from}'\nexport const y = x\n`, {filePath: join(ROOT, file)})
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('the layering the linter enforces (docs/architecture.md)', () => {
  it('refuses an import from a higher layer, naming what the folder may import', async () => {
    expect(await lintImport('src/policy/example.ts', '../engine/run.js')).toEqual([expect.stringContaining('src/policy may import only model, util, policy: src/engine is above it')])
    expect(await lintImport('src/events/example.ts', '../inputs/types.js')).toEqual([expect.stringContaining('src/inputs is above it')])
    expect(await lintImport('src/engine/example.ts', '../report/text.js')).toEqual([expect.stringContaining('src/report is above it')])
    expect(await lintImport('src/inputs/cdk/example.ts', '../../live/index.js')).toEqual([expect.stringContaining('src/live is beside it')])
    expect(await lintImport('src/action/example.ts', '../commands/check.js')).toEqual([expect.stringContaining('src/commands is beside it')])
  })

  it('accepts imports from the same or a lower layer', async () => {
    expect(await lintImport('src/inputs/index.ts', '../events/sniff.js')).toEqual([])
    expect(await lintImport('src/engine/example.ts', '../policy/judge.js')).toEqual([])
    expect(await lintImport('src/report/example.ts', '../engine/report-types.js')).toEqual([])
    expect(await lintImport('src/util/example.ts', '../model/types.js')).toEqual([])
  })
})
