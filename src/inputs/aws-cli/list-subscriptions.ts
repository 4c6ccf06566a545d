import type {SubscriptionEvidence, TopicEvidence} from '../../model/monitoring.js'
import {diagnosticAt, isRecord} from '../locations.js'
import {topLevelJsonKeys} from '../json-text.js'
import {plural} from '../parse-input.js'
import type {Reader, ReaderOutput} from '../types.js'
import {appendAll} from '../../util/arrays.js'
import {arnPlace, startMonitoringOutput} from './monitoring-values.js'

const KIND = 'aws-cli/list-subscriptions-by-topic'

/**
 * `aws sns list-subscriptions-by-topic --topic-arn T` (or `list-subscriptions`, same shape):
 * `{"Subscriptions": [{SubscriptionArn, Owner, Protocol, Endpoint, TopicArn}]}`. Each topic named
 * by a `TopicArn` has its subscriptions listed completely. An empty list names no topic, so it says
 * nothing about any topic.
 */
export const listSubscriptionsReader: Reader = {
  kind: KIND,
  priority: 50,
  sniff: (_file, head) => topLevelJsonKeys(head)?.has('Subscriptions') ?? false,
  async read(file, options): Promise<ReaderOutput> {
    const start = startMonitoringOutput(file, options, KIND, 'list-subscriptions-by-topic', 'Subscriptions')
    if ('failed' in start) return start.failed
    const {doc, root, entries: subscriptions, output, fields} = start
    const evidence = output.monitoring
    const topics = new Map<string, TopicEvidence & {Subscriptions: SubscriptionEvidence[]}>()
    let count = 0
    subscriptions.forEach((raw, index) => {
      const path = ['Subscriptions', index]
      const label = `Subscriptions[${index}]`
      if (!isRecord(raw) || typeof raw.TopicArn !== 'string') {
        output.diagnostics.push(diagnosticAt(doc.locate(path), `${label} names no TopicArn; it is left out`, 'wrong-type'))
        return
      }
      let topic = topics.get(raw.TopicArn)
      if (topic === undefined) {
        topic = {topicKey: raw.TopicArn, TopicArn: raw.TopicArn, Subscriptions: [], ...arnPlace(raw.TopicArn), provenance: {kind: KIND, location: doc.locate(path)}}
        topics.set(raw.TopicArn, topic)
      }
      topic.Subscriptions.push({
        SubscriptionArn: fields.text(raw, path, 'SubscriptionArn', label),
        Protocol: fields.text(raw, path, 'Protocol', label),
        Endpoint: fields.text(raw, path, 'Endpoint', label),
        ...(typeof raw.Owner === 'string' ? {Owner: raw.Owner} : {}),
      })
      count++
    })
    appendAll(output.diagnostics, fields.diagnostics)
    evidence.topics = [...topics.values()]
    const paged = typeof root.NextToken === 'string'
    if (paged) output.notes.push(`${file.path}: the output has a NextToken, so it is one page: subscriptions on other pages are not given`)
    else for (const topic of topics.keys()) evidence.scopes.push({what: 'subscriptions', topicKey: topic})
    if (subscriptions.length === 0) {
      output.notes.push(`${file.path}: the subscription list is empty and so names no topic: it says nothing about any topic's subscribers`)
    }
    const pending = [...topics.values()].flatMap((topic) => topic.Subscriptions).filter((subscription) => subscription.SubscriptionArn === 'PendingConfirmation').length
    const pendingText = pending > 0 ? `, ${pending} pending confirmation` : ''
    const topicText = topics.size > 0 ? ` of ${plural(topics.size, 'topic')}` : ' (names no topic)'
    output.detail = `list-subscriptions-by-topic: ${plural(count, 'subscription')}${topicText}${pendingText}${paged ? ' (one page)' : ''}`
    return output
  },
}
