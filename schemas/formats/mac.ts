const CANONICAL_MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Normalises a MAC address written as 52:54:00:ab:cd:ef, 52-54-00-AB-CD-EF, 5254.00ab.cdef or
 * 525400abcdef to `52:54:00:ab:cd:ef`; `undefined` if it is not one. */
export function normaliseMac(text: string): string | undefined {
  // Already canonical (every MAC of a normalised model, read again by each rule): as it is.
  if (CANONICAL_MAC.test(text)) return text;
  let hex: string;
  if (/^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/.test(text)) hex = text.replace(/[:-]/g, '');
  else if (/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(text)) hex = text.replace(/\./g, '');
  else if (/^[0-9a-fA-F]{12}$/.test(text)) hex = text;
  else return undefined;
  hex = hex.toLowerCase();
  return hex.match(/../g)!.join(':');
}
