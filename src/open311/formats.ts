import { XMLBuilder } from 'fast-xml-parser';

/** Every Open311 call answers in XML or JSON, by the extension of its path. */
export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

const builder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: true });

/**
 * A document in the specification's XML: the root element, and a list's items as repeated child elements
 * (`<services><service>…</service></services>`). Nulls become empty elements; booleans and numbers their
 * text; characters XML cannot carry (control characters) the replacement character.
 */
export function toXml(root: string, content: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: withoutNulls(content) })}`;
}

/** A list of objects under its root, each item named `item`: `<services><service>…` */
export function listXml(root: string, item: string, items: readonly object[]): string {
  return toXml(root, { [item]: items });
}

/** Characters XML 1.0 cannot hold at all, even escaped: one in a title would make the whole answer unreadable. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose.
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function withoutNulls(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.replace(NOT_IN_XML, '\uFFFD');
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withoutNulls(inner)]));
  }
  return value;
}

export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};
