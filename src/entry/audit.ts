import Audit from '../commands/audit.js'

/** What `trailgate audit` loads: oclif finds the command here (its "explicit" discovery), nothing else. */
export const COMMANDS = {audit: Audit}
