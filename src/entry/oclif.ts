// The CLI bundle's copy of oclif: bin/run.js starts it from here, so the commands bundled beside it
// (check.ts, audit.ts, …) share this one copy instead of loading oclif's hundred files from node_modules.
export {execute} from '@oclif/core/execute'
