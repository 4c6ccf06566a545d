import {describeAlarmsReader} from './aws-cli/describe-alarms.js'
import {describeMetricFiltersReader} from './aws-cli/describe-metric-filters.js'
import {describeTrailsReader} from './aws-cli/describe-trails.js'
import {listSubscriptionsReader} from './aws-cli/list-subscriptions.js'
import {eventSelectorsReader, insightSelectorsReader} from './aws-cli/event-selectors.js'
import {listTagsReader} from './aws-cli/list-tags.js'
import {trailStatusReader} from './aws-cli/trail-status.js'
import {cdkAssemblyReader} from './cdk/index.js'
import {cloudFormationReader} from './cloudformation/index.js'
import {snapshotReader} from './snapshot/reader.js'
import {terraformPlanReader} from './terraform/index.js'
import type {Reader} from './types.js'

/**
 * Every input format trailgate reads. A new format is one more entry here: detection offers each
 * file to these readers by ascending `priority`, and the first whose `sniff` accepts it reads it.
 */
export const readers: Reader[] = [
  snapshotReader,
  describeTrailsReader,
  eventSelectorsReader,
  insightSelectorsReader,
  listTagsReader,
  trailStatusReader,
  describeMetricFiltersReader,
  describeAlarmsReader,
  listSubscriptionsReader,
  cdkAssemblyReader,
  terraformPlanReader,
  cloudFormationReader,
]
