import type {ArchiveDocument, ArchiveSubject} from '../../model/types.js'
import {unknown} from '../../model/types.js'
import type {ArchiveStore} from '../store.js'
import type {ObjectVerdict} from './verdicts.js'

/** Each object judged becomes one subject: results, waivers and SARIF locations name the object itself. */
export function archiveSubjects(store: ArchiveStore, objects: ObjectVerdict[]): ArchiveSubject[] {
  return objects.map((object) => {
    const shown = store.display(object.key)
    const document: ArchiveDocument = {
      Object: object.object,
      Key: shown,
      AccountId: object.account,
      Region: object.region,
      Trails: object.trails,
      Verdict: typeof object.verdict === 'object' ? unknown(object.verdict.unknown) : object.verdict,
      Problems: object.problems,
      ...(object.signature !== undefined ? {Signature: typeof object.signature === 'object' ? unknown(object.signature.unknown) : object.signature} : {}),
      ...(object.gap !== undefined ? {Gap: object.gap} : {}),
    }
    return {
      type: 'archive',
      id: shown,
      label: shown,
      account: object.account,
      region: object.region,
      document,
      provenance: {kind: object.object === 'digest' ? 'cloudtrail/digest' : 'cloudtrail/log', location: {file: shown, line: 1, column: 1}},
    }
  })
}
