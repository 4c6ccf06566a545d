import {describe, expect, it} from 'vitest'

import {addMask, annotation, escapeData, escapeProperty} from '../../src/action/workflow-commands.js'

describe('workflow commands', () => {
  it('escapes %, CR and LF in messages, so a multi-line message stays one command', () => {
    expect(escapeData('100% done\r\nnext: line')).toBe('100%25 done%0D%0Anext: line')
  })

  it('also escapes : and , in properties, so a title cannot end its property list', () => {
    expect(escapeProperty('kms-encryption: a, b%')).toBe('kms-encryption%3A a%2C b%25')
  })

  it('writes an annotation with file, line and column', () => {
    expect(annotation('error', 'Trail x is not logging\nfix it', {title: 'logging-enabled: The trail is logging', file: 'a,b/t.json', line: 2, col: 18, endColumn: 22})).toBe(
      '::error title=logging-enabled%3A The trail is logging,file=a%2Cb/t.json,line=2,col=18,endColumn=22::Trail x is not logging%0Afix it',
    )
  })

  it('writes a bare annotation when there is no property', () => {
    expect(annotation('warning', 'careful')).toBe('::warning::careful')
  })

  it('masks a value', () => {
    expect(addMask('s3cr3t%value')).toBe('::add-mask::s3cr3t%25value')
  })
})
