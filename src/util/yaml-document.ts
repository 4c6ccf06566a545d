import {Composer, Lexer, Parser, YAMLParseError, type CST, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions} from 'yaml'

export type YamlDocumentOptions = ParseOptions & DocumentOptions & SchemaOptions

/** A YAML text whose collections nest deeper than the limit; `offset` is where the limit was passed. */
export class YamlDepthError extends Error {
  constructor(
    readonly offset: number,
    readonly limit: number,
  ) {
    super(`nested deeper than ${limit} levels`)
  }
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection'])

/**
 * The `yaml` package's parseDocument, with the nesting of collections bounded. The package's
 * composer and `toJS` recurse once per level, so a document of a million `[` would overflow the
 * stack after seconds and a gigabyte; here the parser's own stack of open collections is watched
 * as each token arrives, and the text is refused at the first token past the limit.
 */
export function parseYamlDocument(text: string, options: YamlDocumentOptions, maxDepth: number): Document.Parsed {
  const parser = new Parser(options.lineCounter?.addNewLine)
  const composer = new Composer(options)
  let doc: Document.Parsed | undefined
  // As the package's parseDocument: the first document (forced even for an empty text); a second is an error.
  for (const composed of composer.compose(boundedTokens(parser, text, maxDepth, options.lineCounter?.addNewLine), true, text.length)) {
    if (!doc) {
      doc = composed
      continue
    }
    if (doc.options.logLevel !== 'silent') {
      doc.errors.push(new YAMLParseError([composed.range[0], composed.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'))
    }
    break
  }
  return doc!
}

function* boundedTokens(parser: Parser, text: string, maxDepth: number, onNewLine: ((offset: number) => void) | undefined): Generator<CST.Token> {
  onNewLine?.(0)
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme)
    // The stack also holds the document and scalars; count collections only when it could matter.
    if (parser.stack.length > maxDepth && parser.stack.filter((token) => COLLECTIONS.has(token.type)).length > maxDepth) {
      throw new YamlDepthError(parser.offset, maxDepth)
    }
  }
  yield* parser.end()
}
