/**
 * A small XML 1.0 writer: enough for JUnit reports without a dependency. Characters XML 1.0 cannot
 * carry at all (most control characters, lone surrogates, U+FFFE/U+FFFF) are removed, not escaped,
 * because no escape makes them legal.
 */

// The control characters are the point of this pattern.
// eslint-disable-next-line no-control-regex
const ILLEGAL_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export function stripIllegalXmlCharacters(text: string): string {
  return text.replace(ILLEGAL_XML_CHARACTERS, '')
}

export function escapeXmlText(text: string): string {
  return stripIllegalXmlCharacters(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Attribute values also escape quotes, and line breaks and tabs, which parsers would otherwise normalise to spaces. */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}

export type XmlAttributes = Record<string, string | number | undefined>

export interface XmlElement {
  name: string
  attributes?: XmlAttributes
  children?: XmlElement[]
  text?: string
}

function attributeText(attributes: XmlAttributes | undefined): string {
  if (attributes === undefined) return ''
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('')
}

export function serializeXml(element: XmlElement, indent = ''): string {
  const open = `${indent}<${element.name}${attributeText(element.attributes)}`
  const children = element.children ?? []
  if (children.length === 0 && (element.text === undefined || element.text === '')) return `${open}/>`
  if (children.length === 0) return `${open}>${escapeXmlText(element.text ?? '')}</${element.name}>`
  const inner = children.map((child) => serializeXml(child, `${indent}  `)).join('\n')
  return `${open}>\n${inner}\n${indent}</${element.name}>`
}

export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serializeXml(root)}\n`
}
