/** Turning SNMP octet strings and index arcs into the text forms pytin stores. */

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** `52:54:00:cc:00:50`, or undefined when the value is not exactly 6 bytes. */
export function macFromBytes(bytes: Uint8Array | readonly number[]): string | undefined {
  if (bytes.length !== 6) return undefined;
  let text = HEX[bytes[0] as number] as string;
  for (let i = 1; i < 6; i++) text += `:${HEX[bytes[i] as number]}`;
  return text;
}

/** MAC from 6 index arcs (each must be 0..255). */
export function macFromArcs(arcs: readonly number[]): string | undefined {
  return arcs.every((arc) => Number.isInteger(arc) && arc >= 0 && arc <= 255) ? macFromBytes(arcs) : undefined;
}

/** Colon-separated hex of any length (for identifiers that are not text). */
export function hexFromBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => HEX[byte]).join(':');
}

/** IPv4 dotted quad or IPv6 full form (`fe80:0000:...`, 8 groups of 4 digits), from 4 or 16 bytes. */
export function ipFromBytes(bytes: readonly number[]): string | undefined {
  if (!bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return undefined;
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((HEX[bytes[i] as number] as string) + (HEX[bytes[i + 1] as number] as string));
    return groups.join(':');
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A DisplayString as text. Trailing NULs (some agents pad fixed-size buffers) are dropped. A
 * value that is not printable UTF-8 (e.g. a name in a legacy code page) is shown as hex rather
 * than as mojibake. */
export function textFromBytes(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const trimmed = bytes.subarray(0, end);
  try {
    const text = utf8.decode(trimmed);
    // Control characters other than tab and line breaks mean binary data, not text.
    if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return text;
  } catch {
    // not UTF-8: fall through to hex
  }
  return hexFromBytes(trimmed);
}
