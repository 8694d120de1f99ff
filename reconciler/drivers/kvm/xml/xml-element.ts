/** An XML element as the host observers read it: enough of XML for libvirt's documents
 * (elements, attributes, text, CDATA, character references, namespaces), nothing more. */
export interface XmlElement {
  /** The qualified name as written, e.g. `pytin:owner`. */
  name: string;
  localName: string;
  /** The namespace URI the prefix (or default namespace) resolves to, or null. */
  namespace: string | null;
  /** Attributes by qualified name, values with references decoded. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (not its descendants'), concatenated. */
  text: string;
}

export function child(element: XmlElement | undefined, localName: string): XmlElement | undefined {
  return element?.children.find((c) => c.localName === localName && c.namespace === null);
}

export function children(element: XmlElement | undefined, localName: string): XmlElement[] {
  return element ? element.children.filter((c) => c.localName === localName && c.namespace === null) : [];
}

export function attribute(element: XmlElement | undefined, name: string): string | null {
  return element?.attributes[name] ?? null;
}
