import { ApiError } from './api-error.js';

/** A pagination cursor: opaque to clients, bound to the endpoint, the revision it was read at and
 * the last sort key served. The next page is read at the cursor's revision, so paging stays
 * stable while applies run. */
export interface Cursor {
  route: string;
  commit: string;
  key: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: 1, r: cursor.route, c: cursor.commit, k: cursor.key }), 'utf8').toString('base64url');
}

const invalid = (why: string) => new ApiError(400, 'API_CURSOR_INVALID', `the "after" cursor ${why}; start again without it`);

/** Decodes a cursor of `route`. `validKey` checks the sort key as this endpoint writes it. */
export function decodeCursor(text: string, route: string, validKey: (key: string) => boolean): Cursor {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) throw invalid('is not a cursor this server made');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('is not a cursor this server made');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('is not a cursor this server made');
  const { v, r, c, k, ...rest } = parsed as Record<string, unknown>;
  if (v !== 1 || typeof r !== 'string' || typeof c !== 'string' || typeof k !== 'string' || Object.keys(rest).length > 0)
    throw invalid('is not a cursor this server made');
  if (r !== route) throw invalid(`belongs to another endpoint`);
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(c)) throw invalid('names no revision');
  if (!validKey(k)) throw invalid('holds a sort key this endpoint does not use');
  return { route: r, commit: c, key: k };
}
