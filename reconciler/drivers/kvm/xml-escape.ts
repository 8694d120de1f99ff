/** Escapes text for an XML attribute value (quoted with ") or element content. Every value pytin
 * writes into domain XML goes through here, so a name or URL can never open a tag. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** ` key="value"` for each defined entry, in the given order (deterministic output). */
export function xmlAttributes(entries: ReadonlyArray<readonly [string, string | number | null | undefined]>): string {
  return entries
    .filter((e): e is readonly [string, string | number] => e[1] !== null && e[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
}
