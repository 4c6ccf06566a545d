import List from '../commands/policies/list.js'
import Show from '../commands/policies/show.js'
import Sql from '../commands/policies/sql.js'
import Test from '../commands/policies/test.js'
import Validate from '../commands/policies/validate.js'

/** What `trailgate policies …` loads: the five policies commands, under the ids the manifest gives them. */
export const COMMANDS = {'policies:list': List, 'policies:show': Show, 'policies:sql': Sql, 'policies:test': Test, 'policies:validate': Validate}
