import {SAFE_KEY, sqlString, SqlCompileError, type DialectName, type JsonFunctions} from './dialect.js'
import type {FieldAccess, ValueRef} from './pattern-sql.js'

/**
 * How each engine holds a CloudTrail record, field by field: DuckDB reads the record as JSON;
 * Athena's table (the AWS user guide's DDL) has lower-case typed columns with three JSON strings;
 * a CloudTrail Lake event data store has camel-case columns and maps of strings.
 */
type Shape =
  | {type: 'string'}
  | {type: 'boolean'}
  | {type: 'json-string'}
  | {type: 'string-map'}
  | {type: 'lake-map'}
  | {type: 'struct'; fields: Record<string, Shape>}
  | {type: 'struct-array'; fields: Record<string, Shape>}

const S: Shape = {type: 'string'}
const struct = (fields: Record<string, Shape>): Shape => ({type: 'struct', fields})

/** Record keys (as CloudTrail writes them) of the Athena table, each stored under its lower-case name. */
const ATHENA_COLUMNS: Record<string, Shape> = {
  eventVersion: S,
  userIdentity: struct({
    type: S,
    principalId: S,
    arn: S,
    accountId: S,
    invokedBy: S,
    accessKeyId: S,
    userName: S,
    onBehalfOf: struct({userId: S, identityStoreArn: S}),
    sessionContext: struct({
      attributes: struct({mfaAuthenticated: S, creationDate: S}),
      sessionIssuer: struct({type: S, principalId: S, arn: S, accountId: S, userName: S}),
      ec2RoleDelivery: S,
      webIdFederationData: struct({federatedProvider: S, attributes: {type: 'string-map'}}),
    }),
  }),
  eventTime: S,
  eventSource: S,
  eventName: S,
  awsRegion: S,
  sourceIPAddress: S,
  userAgent: S,
  errorCode: S,
  errorMessage: S,
  requestParameters: {type: 'json-string'},
  responseElements: {type: 'json-string'},
  additionalEventData: {type: 'json-string'},
  requestID: S,
  eventID: S,
  readOnly: {type: 'boolean'},
  resources: {type: 'struct-array', fields: {ARN: S, accountId: S, type: S}},
  eventType: S,
  apiVersion: S,
  recipientAccountId: S,
  serviceEventDetails: {type: 'json-string'},
  sharedEventID: S,
  vpcEndpointId: S,
  vpcEndpointAccountId: S,
  eventCategory: S,
  addendum: struct({reason: S, updatedFields: S, originalRequestID: S, originalEventID: S}),
  sessionCredentialFromConsole: S,
  edgeDeviceDetails: {type: 'json-string'},
  tlsDetails: struct({tlsVersion: S, cipherSuite: S, clientProvidedHostHeader: S}),
}

const LAKE_MAP: Shape = {type: 'lake-map'}

/** The event data store's columns, spelled as CloudTrail writes the record. */
const LAKE_COLUMNS: Record<string, Shape> = {
  ...ATHENA_COLUMNS,
  userIdentity: struct({
    type: S,
    principalId: S,
    arn: S,
    accountId: S,
    accessKeyId: S,
    userName: S,
    invokedBy: S,
    identityProvider: S,
    credentialId: S,
    onBehalfOf: struct({userId: S, identityStoreArn: S}),
    sessionContext: struct({
      attributes: struct({creationDate: S, mfaAuthenticated: S}),
      sessionIssuer: struct({type: S, principalId: S, arn: S, accountId: S, userName: S}),
      webIdFederationData: struct({federatedProvider: S, attributes: {type: 'string-map'}}),
      sourceIdentity: S,
      ec2RoleDelivery: S,
    }),
  }),
  requestParameters: LAKE_MAP,
  responseElements: LAKE_MAP,
  additionalEventData: LAKE_MAP,
  serviceEventDetails: LAKE_MAP,
  edgeDeviceDetails: S,
  managementEvent: {type: 'boolean'},
}

/** Athena's columns are the record keys in lower case; the event data store's keep CloudTrail's spelling. */
const columnName = (dialect: DialectName, key: string): string => (dialect === 'athena' ? key.toLowerCase() : key)

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`

export interface RecordSource {
  /** The record's top-level fields. */
  record: FieldAccess
  /** SQL for a top-level string field, for the finding columns. */
  text(key: string): string
}

/** The record of a DuckDB row: one JSON value. */
export function jsonRecord(functions: JsonFunctions, column: string, policy: string): RecordSource {
  return {
    record: (key) => {
      if (!SAFE_KEY.test(key)) throw new SqlCompileError(`field name ${JSON.stringify(key)}`, policy, 'only letters, digits and _ have one JSONPath spelling in every engine')
      return {kind: 'json', sql: functions.child(column, key)}
    },
    text: (key) => `json_extract_string(${column}, ${sqlString(`$.${key}`)})`,
  }
}

/** The record of an Athena or CloudTrail Lake row: typed columns. */
export function tableRecord(functions: JsonFunctions, policy: string): RecordSource {
  const dialect = functions.name
  const columns = dialect === 'athena' ? ATHENA_COLUMNS : LAKE_COLUMNS
  let variables = 0
  const valueOf = (shape: Shape, sql: string, path: string): ValueRef => {
    switch (shape.type) {
      case 'string':
        return {kind: 'string', sql}
      case 'boolean':
        return {kind: 'boolean-text', sql: dialect === 'athena' ? `lower(${sql})` : `CAST(${sql} AS VARCHAR)`}
      case 'json-string':
        return {kind: 'json', sql: functions.parse(sql)}
      case 'string-map':
        return {kind: 'object', sql, field: (key) => ({kind: 'string', sql: `element_at(${sql}, ${sqlString(key)})`})}
      case 'lake-map':
        return {kind: 'object', sql, field: (key) => ({kind: 'json', sql: lakeEntry(functions, `element_at(${sql}, ${sqlString(key)})`)})}
      case 'struct':
        return {kind: 'object', sql, field: structField(shape.fields, sql, path)}
      case 'struct-array': {
        const variable = `r${++variables}`
        return {kind: 'object-array', sql, variable, field: (element) => structField(shape.fields, element, path)}
      }
    }
  }
  const structField =
    (fields: Record<string, Shape>, sql: string, path: string): FieldAccess =>
    (key) => {
      const shape = Object.hasOwn(fields, key) ? fields[key] : undefined
      if (!shape) throw new SqlCompileError(`field ${path}.${key}`, policy, `the ${dialect} table has no column for it`)
      return valueOf(shape, `${sql}.${columnName(dialect, key)}`, `${path}.${key}`)
    }
  return {
    record: (key) => {
      const shape = Object.hasOwn(columns, key) ? columns[key] : undefined
      if (!shape) throw new SqlCompileError(`field ${key}`, policy, `the ${dialect} table has no column for it`)
      return valueOf(shape, quoteIdentifier(columnName(dialect, key)), key)
    },
    text: (key) => quoteIdentifier(columnName(dialect, key)),
  }
}

/**
 * A CloudTrail Lake map entry as JSON: nested objects and arrays are stored as JSON text, strings as
 * their text. Text that is not an object or array is taken as a string, so a number or boolean
 * inside these maps reads as a string (the event data store does not keep the difference).
 */
function lakeEntry(functions: JsonFunctions, sql: string): string {
  return `(CASE WHEN substr(ltrim(${sql}), 1, 1) IN ('{', '[') THEN ${functions.parse(sql)} WHEN ${sql} IS NULL THEN NULL ELSE CAST(${sql} AS JSON) END)`
}
