import type { FastifyReply, FastifyRequest } from 'fastify';

import { readApiState } from '../../reconciler/store/api/api-head.js';
import { apiTokenDigest, looksLikeApiToken } from '../../reconciler/store/api/api-tokens.js';
import { ApiError } from '../http/api-error.js';
import { parseQuery, type RawQuery } from '../http/query-filters.js';
import { type PipelineContext, REV_FILTER } from '../request-pipeline.js';
import { StoreMovedError } from '../state/state-cache.js';
import { BASIC_CHALLENGE, basicAuthToken } from './basic-auth.js';
import { pageShell } from './page-shell.js';
import type { PlanCache } from './plan-cache.js';
import type { WebPage } from './web-page.js';

/** No script at all, style only from the same-origin stylesheet (so no inline style either),
 * images (the icon) from the same origin, nothing framed, no form, no base: a name that slipped
 * past escaping could still run nothing, and the page makes no request elsewhere. */
export const WEB_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const unauthorised = (code: 'API_TOKEN_MISSING' | 'API_TOKEN_INVALID', message: string) =>
  new ApiError(401, code, message, undefined, { 'www-authenticate': BASIC_CHALLENGE });

/** A URL of the web view that keeps the `?rev=` the page was asked at. */
export function linkKeepingRev(rev: string | undefined): (path: string) => string {
  return (path) => (rev === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}rev=${rev}`);
}

/** Serves one page. The same order as the API's pipeline (request-pipeline.ts): the token (HTTP
 * Basic, the API token as password) and the rate limit before any read; the parameters against
 * the page's whitelist; then the head from memory (token known and not revoked? which commit?),
 * and the page rendered from the per-commit caches the API shares — read again in one snapshot
 * when the store moved meanwhile, so a page never mixes two states. */
export async function serveWebPage(
  context: PipelineContext,
  plans: PlanCache,
  page: WebPage,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const token = basicAuthToken(request.headers.authorization);
  const digest = typeof token === 'string' ? apiTokenDigest(token) : undefined;
  const waitSeconds = context.limiter.take(digest !== undefined ? `token:${digest}` : `peer:${request.ip}`, Date.now());
  if (waitSeconds > 0)
    throw new ApiError(429, 'API_RATE_LIMITED', `too many requests; retry in ${waitSeconds} s`, undefined, { 'retry-after': String(waitSeconds) });
  if (token === undefined) throw unauthorised('API_TOKEN_MISSING', 'sign in with any user name and an API token as the password (pytin token create)');
  if (token === null || !looksLikeApiToken(token)) throw unauthorised('API_TOKEN_INVALID', 'the token is unknown or revoked');

  const params = parseQuery((request.params ?? {}) as RawQuery, page.params ?? {});
  const filters = parseQuery((request.query ?? {}) as RawQuery, { ...page.filters, rev: REV_FILTER });
  const rev = filters.get('rev')?.value as string | undefined;
  const query = new Map([...filters].filter(([n]) => n !== 'rev').map(([n, v]) => [n, v.value]));
  const paramValues = Object.fromEntries([...params].map(([n, v]) => [n, v.value as string]));

  const renderAt = async (head: Awaited<ReturnType<typeof readApiState>>, snapshot: Parameters<typeof context.cache.forRequest>[2]) => {
    const tokenName = head.tokens.get(digest!);
    if (tokenName === undefined) throw unauthorised('API_TOKEN_INVALID', 'the token is unknown or revoked');
    context.tokenNames.set(request, tokenName);
    if (rev !== undefined && !head.applied.has(rev)) throw new ApiError(404, 'API_REVISION_UNKNOWN', `commit ${rev} was never applied to this store`);
    const commit = rev ?? head.latest;
    if (commit === null) throw new ApiError(503, 'API_NOTHING_APPLIED', 'no commit was applied yet: run pytin apply first');
    const link = linkKeepingRev(rev);
    const state = context.cache.forRequest(commit, head.factsGeneration, snapshot);
    const rendered = await page.render({ state, params: paramValues, query, commit, rev, now: Date.now(), link, plans });
    if (!rendered) throw new ApiError(404, 'API_NOT_FOUND', `${request.url.split('?')[0]} is not in commit ${commit}`);
    return { commit, document: pageShell(rendered.title, commit, rendered.body, link).text };
  };
  let answer: { commit: string; document: string };
  try {
    answer = await renderAt(await context.head.current(), undefined);
  } catch (error) {
    if (!(error instanceof StoreMovedError)) throw error;
    context.head.invalidate();
    answer = await context.store.readSnapshot(async (db) => renderAt(await readApiState(db), db));
  }
  return reply
    .code(200)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', WEB_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'private, no-cache')
    .header('x-pytin-revision', answer.commit)
    .send(answer.document);
}
