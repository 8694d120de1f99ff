/** Diagnostic codes of the read-only API (`pytin serve`) and of its tokens and readers
 * (`pytin token`, `pytin show`). Permanent: never renamed, never reused. Each API error answer
 * is `{code, message, ...}` with one of these. */
export const API_CODES = {
  API_TOKEN_MISSING: 'the request carries no `Authorization: Bearer` token (401)',
  API_TOKEN_INVALID: 'the token presented is unknown or revoked (401)',
  API_METHOD_NOT_ALLOWED: 'the API is read-only: only GET and HEAD are served on a known path (405, with an Allow header)',
  API_NOT_FOUND: 'no such path, or no such resource at the revision served (404)',
  API_FILTER_UNKNOWN: 'a query parameter the endpoint does not take; the answer lists those it does (400)',
  API_FILTER_INVALID: 'a query parameter whose value is malformed, repeated or too long; the answer says what it must be (400)',
  API_CURSOR_INVALID: 'the `after` cursor is malformed, or belongs to another endpoint, sort or revision (400)',
  API_REVISION_UNKNOWN: 'the commit asked for with `?rev=` was never applied to this store (404)',
  API_NOTHING_APPLIED: 'no commit was applied to this store yet, so there is no state to serve (503)',
  API_RATE_LIMITED: "the token made more requests than the server's rate limit allows; retry after the Retry-After header's seconds (429)",
  API_INTERNAL: 'the server failed; the access log has the request id (500). Never caused by input',
  API_TOKEN_NAME_IN_USE: 'pytin token create: a token that is not revoked already has this name',
  API_TOKEN_UNKNOWN: 'pytin token revoke: no token that is not revoked has this name',
  API_SHOW_NOT_FOUND: 'pytin show: the address, VM or tenant is not in the last applied commit nor seen on the network',
} as const satisfies Record<string, string>;
