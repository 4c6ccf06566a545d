import type {Location, Subject, TrailSubject} from '../model/types.js'
import {own} from '../util/dict.js'

/** Facts are computed, so a failing fact points at the fields it was computed from. */
const FACT_SOURCES: Record<string, string[]> = {
  'Facts.ManagementEvents': ['AdvancedEventSelectors', 'EventSelectors'],
  'Facts.ExcludesManagementEventSources': ['AdvancedEventSelectors', 'EventSelectors'],
  'Facts.EventSelectorCount': ['EventSelectors'],
  'Facts.DataResourceCount': ['EventSelectors'],
  'Facts.AdvancedSelectorValueCount': ['AdvancedEventSelectors'],
  'Facts.LogsDataEvents': ['AdvancedEventSelectors', 'EventSelectors'],
}

/**
 * Where a person should look for a result: the offending property when the subject came from a file
 * that says where it is, else the subject itself. For region and account subjects, a failure inside
 * `Trails.N` points at that trail. `paths` are document paths, most telling first.
 */
export function locateResult(subject: Subject<object>, paths: string[], trailsById: Map<string, TrailSubject>): Location | undefined {
  for (const path of paths) {
    const nested = /^Trails\.(\d+)\.(.+)$/.exec(path)
    if (nested && (subject.type === 'region' || subject.type === 'account')) {
      const position = Number(nested[1])
      const trails = (subject.document as {Trails?: {TrailARN?: unknown}[]}).Trails
      const arn = trails?.[position]?.TrailARN
      // Planned trails often have no ARN yet: the view records which trail each entry is.
      const id = subject.provenance.trails?.[position] ?? (typeof arn === 'string' ? arn : undefined)
      const trail = id !== undefined ? trailsById.get(id) : undefined
      if (trail) return fieldLocation(trail, nested[2]) ?? trail.provenance.location
      continue
    }
    const found = fieldLocation(subject, path)
    if (found) return found
  }
  return subject.provenance.location
}

function fieldLocation(subject: Subject<object>, path: string): Location | undefined {
  const fields = subject.provenance.fields
  if (!fields) return undefined
  const candidates = own(FACT_SOURCES, path) ?? [path]
  for (const candidate of candidates) {
    // The longest recorded prefix: `EventSelectors.0.DataResources.3` falls back to `EventSelectors`.
    const segments = candidate.split('.')
    for (let n = segments.length; n > 0; n--) {
      const hit = own(fields, segments.slice(0, n).join('.'))
      if (hit) return hit
    }
  }
  return undefined
}
