import Check from '../commands/check.js'

/** What `trailgate check` loads: oclif finds the command here (its "explicit" discovery), nothing else. */
export const COMMANDS = {check: Check}
