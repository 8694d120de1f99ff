import type * as Saxes from 'saxes';
import type { SaxesTagNS } from 'saxes';

import { lazyLibrary } from '../../../support/lazy-library.js';
import type { XmlElement } from './xml-element.js';

const saxes = lazyLibrary<typeof Saxes>('saxes');

export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at ${line}:${column}`);
  }
}

const MAX_DEPTH = 256;

/** saxes writes `line:column: message.`; XmlSyntaxError carries the position as fields. */
const SAXES_POSITION = /^\d+:\d+: /;

/** Parses one XML document (a `virsh dumpxml`) into its root element. Throws XmlSyntaxError.
 *
 * saxes does the XML: well-formedness, character and predefined entity references, CDATA,
 * namespaces. It does no I/O (no external entity or DTD is ever fetched) and never expands an
 * entity declared in a DTD. On top of that a DOCTYPE is refused outright, so an entity
 * declaration (billion laughs, `SYSTEM "file:///etc/passwd"`) never reaches an element: libvirt
 * never writes a DOCTYPE. Comments and processing instructions are skipped. */
export function parseXml(source: string): XmlElement {
  const parser = new (saxes().SaxesParser)({ xmlns: true, position: true });
  // 1-based: saxes' column is the count of characters consumed on the line, so the last one.
  const fail = (message: string): never => {
    throw new XmlSyntaxError(message, parser.line, parser.column);
  };
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('error', (error) => fail(error.message.replace(SAXES_POSITION, '').replace(/\.$/, '')));
  parser.on('doctype', () => fail('DOCTYPE is not accepted (libvirt never writes one; it could declare entities)'));
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (open.length > MAX_DEPTH) fail('elements nest too deeply');
    const element: XmlElement = {
      name: tag.name,
      localName: tag.local,
      namespace: tag.uri === '' ? null : tag.uri,
      // Namespace declarations (xmlns, xmlns:p) stay, as written. fromEntries defines own
      // properties, so an attribute named __proto__ is data, not a prototype.
      attributes: Object.fromEntries(Object.values(tag.attributes).map((a) => [a.name, a.value])),
      children: [],
      text: '',
    };
    const parent = open.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    open.push(element);
  });
  parser.on('closetag', () => {
    open.pop();
  });
  // Text outside the root element can only be whitespace (saxes refuses the rest).
  const addText = (text: string) => {
    const current = open.at(-1);
    if (current) current.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(source).close();
  if (!root) return fail('no root element');
  return root;
}
