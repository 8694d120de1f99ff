/** Normalises a MAC address written as 52:54:00:ab:cd:ef, 52-54-00-AB-CD-EF, 5254.00ab.cdef or
 * 525400abcdef to `52:54:00:ab:cd:ef`; `undefined` if it is not one. */
export function normaliseMac(text: string): string | undefined {
  let hex: string;
  if (/^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/.test(text)) hex = text.replace(/[:-]/g, '');
  else if (/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(text)) hex = text.replace(/\./g, '');
  else if (/^[0-9a-fA-F]{12}$/.test(text)) hex = text;
  else return undefined;
  hex = hex.toLowerCase();
  return hex.match(/../g)!.join(':');
}
