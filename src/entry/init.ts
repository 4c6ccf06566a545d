import Init from '../commands/init.js'

/** What `trailgate init` loads: oclif finds the command here (its "explicit" discovery), nothing else. */
export const COMMANDS = {init: Init}
