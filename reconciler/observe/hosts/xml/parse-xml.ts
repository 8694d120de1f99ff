import type { XmlElement } from './xml-element.js';

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
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/** Parses one XML document into its root element. Refuses DOCTYPE (and with it every entity
 * definition, so no entity expansion attacks): libvirt never writes one. Throws XmlSyntaxError. */
export function parseXml(source: string): XmlElement {
  let pos = 0;

  const fail = (message: string): never => {
    const before = source.slice(0, pos);
    const line = before.split('\n').length;
    throw new XmlSyntaxError(message, line, pos - before.lastIndexOf('\n'));
  };
  const startsWith = (s: string) => source.startsWith(s, pos);
  const skipSpace = () => {
    while (pos < source.length && /\s/.test(source[pos]!)) pos++;
  };
  const skipPast = (end: string, what: string) => {
    const at = source.indexOf(end, pos);
    if (at < 0) fail(`unterminated ${what}`);
    pos = at + end.length;
  };
  const readName = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(source);
    if (!match) return fail('expected a name');
    pos += match[0].length;
    return match[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;\s&]*);|&/g, (whole, ref: string | undefined) => {
      switch (ref) {
        case 'lt':
          return '<';
        case 'gt':
          return '>';
        case 'amp':
          return '&';
        case 'quot':
          return '"';
        case 'apos':
          return "'";
        default: {
          const code = ref?.startsWith('#x') ? parseInt(ref.slice(2), 16) : ref?.startsWith('#') ? parseInt(ref.slice(1), 10) : NaN;
          if (!Number.isInteger(code) || code < 1 || code > 0x10ffff) return fail(`unknown reference ${whole}`);
          return String.fromCodePoint(code);
        }
      }
    });

  /** Skips comments, processing instructions and whitespace between top-level markup. */
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (startsWith('<!--')) skipPast('-->', 'comment');
      else if (startsWith('<?')) skipPast('?>', 'processing instruction');
      else if (startsWith('<!DOCTYPE')) fail('DOCTYPE is not accepted');
      else return;
    }
  };

  const parseElement = (scope: Map<string, string>, depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail('elements nest too deeply');
    if (!startsWith('<')) fail('expected an element');
    pos++;
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      const hadSpace = /\s/.test(source[pos] ?? '');
      skipSpace();
      if (startsWith('/>') || startsWith('>')) break;
      if (!hadSpace) fail('expected whitespace before an attribute');
      const attributeName = readName();
      skipSpace();
      if (source[pos] !== '=') fail(`expected = after ${attributeName}`);
      pos++;
      skipSpace();
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") return fail('expected a quoted attribute value');
      const end = source.indexOf(quote, pos + 1);
      if (end < 0) fail('unterminated attribute value');
      const raw = source.slice(pos + 1, end);
      if (raw.includes('<')) fail('< inside an attribute value');
      if (attributeName in attributes) fail(`duplicate attribute ${attributeName}`);
      attributes[attributeName] = decode(raw);
      pos = end + 1;
    }
    // Namespace declarations of this element apply to itself and its attributes.
    let elementScope = scope;
    for (const [key, value] of Object.entries(attributes)) {
      if (key === 'xmlns' || key.startsWith('xmlns:')) {
        if (elementScope === scope) elementScope = new Map(scope);
        elementScope.set(key === 'xmlns' ? '' : key.slice(6), value);
      }
    }
    const colon = name.indexOf(':');
    const prefix = colon >= 0 ? name.slice(0, colon) : '';
    const namespace = elementScope.get(prefix) ?? null;
    if (prefix && namespace === null) fail(`undeclared namespace prefix ${prefix}`);
    const element: XmlElement = { name, localName: colon >= 0 ? name.slice(colon + 1) : name, namespace: namespace || null, attributes, children: [], text: '' };
    if (startsWith('/>')) {
      pos += 2;
      return element;
    }
    pos++;
    for (;;) {
      if (pos >= source.length) fail(`unclosed element ${name}`);
      if (startsWith('</')) {
        pos += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        skipSpace();
        if (source[pos] !== '>') fail('expected >');
        pos++;
        return element;
      }
      if (startsWith('<!--')) skipPast('-->', 'comment');
      else if (startsWith('<![CDATA[')) {
        const end = source.indexOf(']]>', pos);
        if (end < 0) fail('unterminated CDATA');
        element.text += source.slice(pos + 9, end);
        pos = end + 3;
      } else if (startsWith('<?')) skipPast('?>', 'processing instruction');
      else if (startsWith('<!')) fail('unexpected declaration');
      else if (startsWith('<')) element.children.push(parseElement(elementScope, depth + 1));
      else {
        const end = source.indexOf('<', pos);
        const raw = source.slice(pos, end < 0 ? source.length : end);
        element.text += decode(raw);
        pos += raw.length;
      }
    }
  };

  if (source.charCodeAt(0) === 0xfeff) pos = 1;
  skipMisc();
  const root = parseElement(new Map([['xml', XML_NAMESPACE]]), 0);
  skipMisc();
  if (pos < source.length) fail('content after the root element');
  return root;
}
