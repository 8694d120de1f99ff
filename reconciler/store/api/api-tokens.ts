import { createHash, randomBytes } from 'node:crypto';

import type { Row, SqlRunner } from '../file/sqlite.js';

/** A token as listed: never its secret, which only its creator saw once. */
export interface ApiTokenRecord {
  id: number;
  name: string;
  createdAt: number;
  revokedAt: number | null;
}

/** Tokens look like `pytin_` + 43 base64url characters (256 random bits). */
const TOKEN_PATTERN = /^pytin_[A-Za-z0-9_-]{43}$/;

/** The stored form of a token: its sha256 in hex. The secret has 256 random bits, so a fast hash
 * is as safe as a slow one and keeps each request's check to one indexed lookup. */
export function apiTokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a presented string could be a token at all (anything else is refused without a lookup). */
export function looksLikeApiToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

export type CreateTokenResult = { created: true; token: string; record: ApiTokenRecord } | { created: false; reason: 'name-in-use' };

/** Issues a token named `name`. The returned secret is the only copy: only its digest is stored. */
export async function createApiToken(db: SqlRunner, name: string, now: number): Promise<CreateTokenResult> {
  const existing = await db.get('SELECT id FROM api_tokens WHERE name = ? AND revoked_at IS NULL', [name]);
  if (existing) return { created: false, reason: 'name-in-use' };
  const token = `pytin_${randomBytes(32).toString('base64url')}`;
  const { lastId } = await db.run('INSERT INTO api_tokens (name, token_sha256, created_at) VALUES (?, ?, ?)', [name, apiTokenDigest(token), now]);
  return { created: true, token, record: { id: lastId, name, createdAt: now, revokedAt: null } };
}

type TokenRow = Row & { id: number; name: string; created_at: number; revoked_at: number | null };

export async function listApiTokens(db: SqlRunner): Promise<ApiTokenRecord[]> {
  const rows = await db.all<TokenRow>('SELECT id, name, created_at, revoked_at FROM api_tokens ORDER BY name, id');
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Revokes the active token named `name`; false when there is none. Effective for the next
 * request: the server looks every token up in the store, it keeps no copy. */
export async function revokeApiToken(db: SqlRunner, name: string, now: number): Promise<boolean> {
  const { changes } = await db.run('UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL', [now, name]);
  return changes > 0;
}
