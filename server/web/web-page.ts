import type { FilterSpec } from '../http/query-filters.js';
import type { RequestState } from '../state/state-cache.js';
import type { SafeHtml } from './html.js';
import type { PlanCache } from './plan-cache.js';

/** What a page gets: the state it renders (the same per-commit caches the API reads), its path
 * parameters, and `link` to make a URL that keeps the request's `?rev=`. */
export interface PageRequest {
  state: RequestState;
  params: Record<string, string>;
  /** The page's own query parameters, parsed (besides `rev`). */
  query: ReadonlyMap<string, unknown>;
  /** The commit the page shows. */
  commit: string;
  /** The `?rev=` asked for, if any. */
  rev: string | undefined;
  /** Now, for ages ("not seen for 31 days"). */
  now: number;
  link(path: string): string;
  /** The plan applied for the commit, parsed once per apply run. */
  plans: PlanCache;
}

/** One page of the web view: a path, its checked parameters, and the body it renders (undefined:
 * 404). The pipeline (web-pipeline.ts) does authentication, the revision, the page shell and
 * the security headers for every page alike. */
export interface WebPage {
  path: string;
  params?: Readonly<Record<string, FilterSpec>>;
  /** Query parameters it takes besides `rev`. */
  filters?: Readonly<Record<string, FilterSpec>>;
  render(request: PageRequest): Promise<{ title: string; body: SafeHtml } | undefined>;
}
