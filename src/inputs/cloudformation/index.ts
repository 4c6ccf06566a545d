export {cloudFormationReader} from './reader.js'
export {readTemplate, type TemplateContext, type TemplateReading} from './template.js'
export {looksLikeTemplate} from './source.js'
