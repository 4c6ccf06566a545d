import {COMMANDS as AUDIT} from './audit.js'
import {COMMANDS as CHECK} from './check.js'
import {COMMANDS as INIT} from './init.js'
import {COMMANDS as POLICIES} from './policies.js'

/**
 * Every command, for a run that is not one of them (`--help`, `version`, a typo). oclif lists them
 * from oclif.manifest.json and loads this module only when it needs a command's class.
 */
export const COMMANDS = {...CHECK, ...AUDIT, ...INIT, ...POLICIES}
