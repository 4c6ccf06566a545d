export {cdkAssemblyReader, looksLikeAssemblyManifest} from './reader.js'
