/** Quotes one word for a POSIX shell: drivers and observers build shell commands (the remote
 * side of an SSH exec is always a shell). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
