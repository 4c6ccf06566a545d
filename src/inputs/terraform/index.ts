export {terraformPlanReader, looksLikePlan} from './reader.js'
export {normalizeTerraformTrail} from './trail.js'
