import { InternalError } from '../../../../inventory/core/errors.js';

/** Characters XML 1.0 cannot carry at all, not even as a character reference: C0 controls other
 * than tab, line feed and carriage return, U+FFFE, U+FFFF and lone surrogates. The schemas keep
 * them out of every value pytin writes into XML; meeting one here is a bug. */
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const REFERENCES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** Escapes text for an XML attribute value (quoted with ") or element content. Every value pytin
 * writes into domain XML goes through here, so a name or URL can never open a tag or end an
 * attribute. Tab, line feed and carriage return are written as character references: a parser
 * turns them into spaces in an attribute (and a carriage return into a line feed in text), so the
 * value would not read back as written. */
export function escapeXml(text: string): string {
  if (NOT_XML.test(text)) throw new InternalError(`a value for XML holds a character XML cannot carry: ${JSON.stringify(text.slice(0, 80))}`);
  return text.replace(/[&<>"'\t\n\r]/g, (c) => REFERENCES[c]!);
}

/** ` key="value"` for each defined entry, in the given order (deterministic output). */
export function xmlAttributes(entries: ReadonlyArray<readonly [string, string | number | null | undefined]>): string {
  return entries
    .filter((e): e is readonly [string, string | number] => e[1] !== null && e[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
}
