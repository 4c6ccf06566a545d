import {generatedRecords, ODD_VALUES} from '../events/generated-records.js'

/**
 * Records for comparing the SQL engines with the native judge: the seeded routine and notable ones,
 * and adversarial ones (fields missing, arrays where scalars were, mixed case, IPv6, numbers as strings).
 */
export function comparisonRecords(count: number): Record<string, unknown>[] {
  const records = generatedRecords(count, 11)
  const base = (index: number): Record<string, unknown> => ({...records[index % records.length]!, eventID: `adversarial-${index}`})
  const adversarial: Record<string, unknown>[] = []
  let index = 0
  for (const [field, values] of Object.entries(ODD_VALUES)) {
    for (const value of values) adversarial.push({...base(index++), [field]: value})
  }
  const shapes: Record<string, unknown>[] = [
    {eventName: 'StopLogging'},
    {eventName: ['StopLogging', 'Other'], userIdentity: {type: 'IAMUser'}},
    {eventName: 'stoplogging'},
    {eventName: 'ConsoleLogin', userIdentity: {type: 'Root'}, responseElements: {ConsoleLogin: 'Success'}, additionalEventData: {MFAUsed: 'No'}},
    {eventName: 'ConsoleLogin', userIdentity: {type: 'Root'}, responseElements: {ConsoleLogin: 'Success'}},
    {eventName: 'ConsoleLogin', userIdentity: {type: 'Root'}, responseElements: {ConsoleLogin: 'Success'}, additionalEventData: {MFAUsed: null}},
    {eventName: 'ConsoleLogin', userIdentity: {type: 'IAMUser'}, responseElements: {ConsoleLogin: ['Failure', 'Success']}, additionalEventData: {MFAUsed: ['Yes', 'No']}},
    {eventName: 'PutEventSelectors', requestParameters: {eventSelectors: [{includeManagementEvents: true}, {includeManagementEvents: false}]}},
    {eventName: 'PutEventSelectors', requestParameters: {eventSelectors: [{}, {readWriteType: 'All'}]}},
    {eventName: 'PutEventSelectors', requestParameters: {eventSelectors: {excludeManagementEventSources: []}}},
    {eventName: 'PutEventSelectors', requestParameters: {eventSelectors: [{excludeManagementEventSources: ['kms.amazonaws.com']}]}},
    {eventName: 'PutEventSelectors', requestParameters: {advancedEventSelectors: [{fieldSelectors: [{field: 'eventCategory', equals: ['Management']}]}]}},
    {eventName: 'PutEventSelectors', requestParameters: {advancedEventSelectors: [{fieldSelectors: [{field: 'eventCategory', equals: ['Data']}]}]}},
    {eventName: 'PutEventSelectors', requestParameters: {advancedEventSelectors: [{fieldSelectors: [{field: 'readOnly', equals: ['true']}]}, {fieldSelectors: [{field: 'eventCategory', equals: ['Management']}]}]}},
    {eventName: 'PutEventSelectors', requestParameters: {advancedEventSelectors: [{name: 'no field selectors'}]}},
    {eventName: 'PutEventSelectors', requestParameters: {advancedEventSelectors: []}},
    {eventName: 'DeleteTrail', userIdentity: {type: 'Root', invokedBy: null}, eventType: 'AwsApiCall'},
    {eventName: 'DeleteTrail', userIdentity: {type: ['Root']}, eventType: ['AwsServiceEvent', 'AwsApiCall']},
    {eventName: 'DescribeInstances', errorCode: 'accessdenied'},
    {eventName: 'DescribeInstances', errorCode: 'AccessDeniedException', sourceIPAddress: 'delivery.logs.amazonaws.com'},
    {eventName: 'HeadBucket', errorCode: 'AccessDenied'},
    {eventName: 'DescribeInstances', errorCode: ['Client.UnauthorizedOperation']},
    {eventName: 'DescribeInstances', errorCode: 5, sourceIPAddress: '2001:db8::1'},
    {eventName: 'DescribeInstances', sourceIPAddress: '::ffff:10.0.0.1'},
    {eventName: 'DescribeInstances', sourceIPAddress: '10.1.2.3'},
    {eventName: 'DescribeInstances', sourceIPAddress: '192.168.001.010'},
    {eventName: 'DescribeInstances', sourceIPAddress: ['203.0.113.9', 'AWS Internal']},
    {eventName: 'DisableKey', eventSource: 'KMS.amazonaws.com'},
    {eventName: 'DisableKey', eventSource: 'kms.amazonaws.com'},
    {eventName: 'CreateVpc', eventSource: '1'},
    {eventName: '1', eventSource: 1},
  ]
  for (const shape of shapes) {
    const record: Record<string, unknown> = {...base(index++), ...shape}
    for (const [key, value] of Object.entries(shape)) if (value === undefined) delete record[key]
    adversarial.push(record)
  }
  // Fields missing altogether.
  for (const field of ['eventName', 'userIdentity', 'sourceIPAddress', 'eventType', 'recipientAccountId', 'eventID']) {
    const record = base(index++)
    delete record[field]
    adversarial.push(record)
  }
  return [...records, ...adversarial]
}
