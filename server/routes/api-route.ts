import type { FilterSpec } from '../http/query-filters.js';
import type { RequestState } from '../state/state-cache.js';

/** What a route's handler gets: the state of the store it answers from, its path parameters and
 * its parsed filters, and for a paginated route the page asked for. */
export interface RouteRequest {
  state: RequestState;
  params: Record<string, string>;
  filters: ReadonlyMap<string, unknown>;
  page: { limit: number; after: string | null };
}

/** A handler's answer: the body (the revision is added by the pipeline), and for a paginated
 * route the sort key to continue after (null: the last page). `undefined`: 404. */
export type RouteAnswer = { body: Record<string, unknown>; next?: string | null } | undefined;

/** One read-only endpoint. Adding an endpoint is one file exporting one of these and one line
 * in routes/index.ts: the pipeline (build.ts) does authentication, rate limiting, filters,
 * paging, ETags, the revision header, HEAD and the 405s for every route alike, and the OpenAPI
 * document is generated from these fields. */
export interface ApiRoute {
  /** Stable id, part of cursors and ETags: `ip-addresses`. */
  id: string;
  /** fastify path: `/v1/tenants/:name`. */
  path: string;
  summary: string;
  description?: string;
  /** Path parameters, checked like filters. */
  params?: Readonly<Record<string, FilterSpec>>;
  /** The query parameters it takes besides `rev` (and `limit`/`after` when paginated). */
  filters: Readonly<Record<string, FilterSpec>>;
  /** Paginated: `items` in the body; `validKey` checks a cursor's sort key. */
  paginated?: { validKey(key: string): boolean };
  /** The 200 body's JSON Schema, without the `revision` property the pipeline adds. */
  response: { type: 'object'; properties: Record<string, unknown>; required: string[]; description?: string };
  handle(request: RouteRequest): Promise<RouteAnswer>;
}
