import { createHash } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { type ApiState, readApiState } from '../reconciler/store/api/api-head.js';
import { apiTokenDigest, looksLikeApiToken } from '../reconciler/store/api/api-tokens.js';
import type { SqlRunner } from '../reconciler/store/file/sqlite.js';
import type { Store } from '../reconciler/store/open-store.js';
import { ApiError } from './http/api-error.js';
import { type Cursor, decodeCursor, encodeCursor } from './http/cursor.js';
import { type FilterSpec, parseQuery, type RawQuery } from './http/query-filters.js';
import type { RateLimiter } from './http/rate-limit.js';
import type { ApiRoute } from './routes/api-route.js';
import type { AnswerCache } from './state/answer-cache.js';
import { type stateCache, StoreMovedError } from './state/state-cache.js';
import type { StoreHead } from './state/store-head.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** `?rev=`: a full commit id (SHA-1, or SHA-256 repositories). */
export const REV_FILTER: FilterSpec<string> = {
  description: 'answer from this applied commit (full commit id) instead of the last applied one',
  schema: { type: 'string', pattern: '^[0-9a-f]{40}([0-9a-f]{24})?$' },
  parse: (text) => (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text) ? text : undefined),
  expected: 'a full commit id (40 or 64 lower-case hex digits)',
};

/** `?limit=`: clamped to 1..MAX_LIMIT; anything but digits is malformed. */
export const LIMIT_FILTER: FilterSpec<number> = {
  description: `items per page (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}: larger values are clamped)`,
  schema: { type: 'string', pattern: '^[0-9]{1,9}$' },
  parse: (text) => (/^[0-9]{1,9}$/.test(text) ? Math.min(MAX_LIMIT, Math.max(1, Number(text))) : undefined),
  expected: `a whole number (clamped to 1..${MAX_LIMIT})`,
};

export const AFTER_FILTER: FilterSpec<string> = {
  description: 'the `next` cursor of the previous page (opaque); the page is read at the revision of the first one',
  schema: { type: 'string', maxLength: 200 },
  parse: (text) => text,
  expected: 'a cursor from a previous answer',
};

/** The Bearer token of a request: undefined without an Authorization header, null when the
 * header is not a Bearer token. */
export function bearerToken(request: FastifyRequest): string | null | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  return match ? match[1]! : null;
}

/** The filters a route's query is parsed against: its own, `rev`, and paging when it pages. */
export function routeFilters(route: ApiRoute): Record<string, FilterSpec> {
  return { ...route.filters, rev: REV_FILTER, ...(route.paginated ? { limit: LIMIT_FILTER, after: AFTER_FILTER } : {}) };
}

function etagOf(parts: readonly string[]): string {
  return `"${createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 27)}"`;
}

function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** Canonical text of a parsed value for the ETag (two spellings of one address are one query). */
function normalised(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

export interface PipelineContext {
  store: Store;
  head: StoreHead;
  cache: ReturnType<typeof stateCache>;
  limiter: RateLimiter;
  /** Serialised answers by ETag (bounded). */
  answers: AnswerCache;
  /** Who asked, for the access log (the token's name, never the token). */
  tokenNames: WeakMap<FastifyRequest, string>;
}

/** Serves one GET (or HEAD) of a data route. Order matters:
 * 1. token present and well-formed, and the rate limit — no database read yet;
 * 2. path and query parameters against the route's whitelist, the cursor — still no read;
 * 3. the head (token valid? which commit? which facts?) from memory, read again only when the
 *    store changed; then the ETag, and If-None-Match answered with 304 before any data is read;
 * 4. the route's data: the commit's model and the observed side cached per state, or a read
 *    snapshot confirmed to be at the head's state. */
export async function serveRoute(context: PipelineContext, route: ApiRoute, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const token = bearerToken(request);
  // Hashed once: the rate limit's key and the token table's.
  const tokenDigest = typeof token === 'string' ? apiTokenDigest(token) : undefined;
  const waitSeconds = context.limiter.take(tokenDigest !== undefined ? `token:${tokenDigest}` : `peer:${request.ip}`, Date.now());
  if (waitSeconds > 0)
    throw new ApiError(429, 'API_RATE_LIMITED', `too many requests; retry in ${waitSeconds} s`, undefined, { 'retry-after': String(waitSeconds) });
  if (token === undefined)
    throw new ApiError(401, 'API_TOKEN_MISSING', 'send a token: Authorization: Bearer <token> (pytin token create)', undefined, {
      'www-authenticate': 'Bearer',
    });
  if (token === null || !looksLikeApiToken(token))
    throw new ApiError(401, 'API_TOKEN_INVALID', 'the token is unknown or revoked', undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
  const digest = tokenDigest!;

  const params = parseQuery((request.params ?? {}) as RawQuery, route.params ?? {});
  const filters = parseQuery((request.query ?? {}) as RawQuery, routeFilters(route));
  const rev = filters.get('rev')?.value as string | undefined;
  const afterText = filters.get('after')?.value as string | undefined;
  const cursor = afterText === undefined || !route.paginated ? undefined : decodeCursor(afterText, route.id, route.paginated.validKey);
  if (cursor && rev !== undefined && cursor.commit !== rev)
    throw new ApiError(400, 'API_CURSOR_INVALID', 'the "after" cursor belongs to another revision than ?rev=');
  const limit = (filters.get('limit')?.value as number | undefined) ?? DEFAULT_LIMIT;

  const answer = await answerFromHead(context, route, request, reply, { digest, params, filters, cursor, rev, limit });
  reply.header('x-pytin-revision', answer.commit).header('etag', answer.etag).header('cache-control', 'private, no-cache');
  if (answer.status === 304) return reply.code(304).send();
  return reply.code(200).type('application/json; charset=utf-8').send(answer.payload);
}

interface ParsedRequest {
  digest: string;
  params: Map<string, { text: string; value: unknown }>;
  filters: Map<string, { text: string; value: unknown }>;
  cursor: Cursor | undefined;
  rev: string | undefined;
  limit: number;
}

type Answer = { status: 304; commit: string; etag: string } | { status: 200; commit: string; etag: string; payload: Buffer };

/** Steps 3 and 4: first from the cached head and the per-state caches; when a snapshot finds the
 * store moved on since the head was read (an apply or observation committed meanwhile), once more
 * with the head and every read inside one read snapshot, so an answer never mixes two states. */
async function answerFromHead(context: PipelineContext, route: ApiRoute, request: FastifyRequest, reply: FastifyReply, parsed: ParsedRequest): Promise<Answer> {
  try {
    return await answerOnce(context, route, request, reply, parsed, await context.head.current(), undefined);
  } catch (error) {
    if (!(error instanceof StoreMovedError)) throw error;
  }
  context.head.invalidate();
  return context.store.readSnapshot(async (db) => answerOnce(context, route, request, reply, parsed, await readApiState(db), db));
}

async function answerOnce(
  context: PipelineContext,
  route: ApiRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  parsed: ParsedRequest,
  head: ApiState,
  snapshot: SqlRunner | undefined,
): Promise<Answer> {
  const { digest, params, filters, cursor, rev, limit } = parsed;
  const tokenName = head.tokens.get(digest);
  if (tokenName === undefined)
    throw new ApiError(401, 'API_TOKEN_INVALID', 'the token is unknown or revoked', undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
  context.tokenNames.set(request, tokenName);
  const asked = cursor?.commit ?? rev ?? null;
  if (asked !== null && !head.applied.has(asked)) throw new ApiError(404, 'API_REVISION_UNKNOWN', `commit ${asked} was never applied to this store`);
  const commit = asked ?? head.latest;
  if (commit === null) throw new ApiError(503, 'API_NOTHING_APPLIED', 'no commit was applied yet: run pytin apply first');
  const query = [...filters]
    .filter(([name]) => name !== 'rev' && name !== 'after' && name !== 'limit')
    .map(([name, v]) => `${name}=${normalised(v.value)}`)
    .sort();
  const etag = etagOf([
    commit,
    head.factsGeneration,
    route.id,
    ...[...params].map(([n, v]) => `:${n}=${v.text}`),
    ...query,
    `limit=${limit}`,
    `after=${cursor?.key ?? ''}`,
  ]);
  if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) return { status: 304, commit, etag };
  // The ETag names everything the answer depends on, so an answer made once for it is the answer.
  const remembered = context.answers.get(etag);
  if (remembered !== undefined) return { status: 200, commit, etag, payload: remembered };
  const found = await route.handle({
    state: context.cache.forRequest(commit, head.factsGeneration, snapshot),
    params: Object.fromEntries([...params].map(([n, v]) => [n, v.value as string])),
    filters: new Map([...filters].map(([n, v]) => [n, v.value])),
    page: { limit, after: cursor?.key ?? null },
  });
  if (!found) throw new ApiError(404, 'API_NOT_FOUND', `${request.url.split('?')[0]} is not in commit ${commit}`);
  const next = route.paginated ? { next: found.next ? encodeCursor({ route: route.id, commit, key: found.next }) : null } : {};
  // Serialised with the route's response schema (only its fields leave the server), once.
  const serialised = reply.code(200).serialize({ revision: commit, ...found.body, ...next });
  const payload = typeof serialised === 'string' ? Buffer.from(serialised, 'utf8') : Buffer.from(serialised as ArrayBuffer);
  context.answers.set(etag, payload);
  return { status: 200, commit, etag, payload };
}
