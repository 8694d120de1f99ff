/** The API token of a browser's request: HTTP Basic authentication with the token as the password
 * (browsers cannot send a Bearer header when they navigate; no cookie or session store needed).
 * The user name is free (people type their own; the access log names the token's name).
 * undefined: no Authorization header; null: a header that is not Basic or not decodable. */
export function basicAuthToken(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic ([A-Za-z0-9+/]{1,400}={0,2})$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/** The challenge that makes a browser ask for the user name and token. */
export const BASIC_CHALLENGE = 'Basic realm="pytin", charset="UTF-8"';
