import { isResourceName } from '../../schemas/formats/names.js';
import { ApiError } from './api-error.js';

/** One query parameter an endpoint takes: how it is documented and how its text is checked.
 * Nothing in a query reaches SQL: values are parsed here into typed values the readers compare in
 * memory or bind as parameters. */
export interface FilterSpec<T = unknown> {
  description: string;
  /** The parameter's JSON Schema (OpenAPI). */
  schema: Record<string, unknown>;
  /** The typed value, or undefined when the text is malformed. */
  parse(text: string): T | undefined;
  /** What a malformed value must be, for the 400 message. */
  expected: string;
}

/** Longer values are refused before any parsing. */
export const MAX_VALUE_LENGTH = 200;

export const nameFilter = (description: string): FilterSpec<string> => ({
  description,
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,62}$' },
  parse: (text) => (isResourceName(text) ? text : undefined),
  expected: 'a resource name (lower-case letters, digits, ".", "_", "-"; at most 63)',
});

export const enumFilter = <T extends string>(values: readonly T[], description: string): FilterSpec<T> => ({
  description,
  schema: { type: 'string', enum: [...values] },
  parse: (text) => values.find((v) => v === text),
  expected: `one of ${values.join(', ')}`,
});

/** The raw query as fastify's parser gives it (a repeated key becomes an array). */
export type RawQuery = Record<string, string | string[] | undefined>;

/** Parses `raw` against the whitelist `filters` (plus `extra`, the paging and revision
 * parameters every endpoint shares). An unknown parameter, a repeated one, an overlong or a
 * malformed value is a 400 naming what is allowed. */
export function parseQuery(raw: RawQuery, filters: Readonly<Record<string, FilterSpec>>): Map<string, { text: string; value: unknown }> {
  const allowed = Object.keys(filters).sort();
  const out = new Map<string, { text: string; value: unknown }>();
  for (const [name, given] of Object.entries(raw)) {
    const spec = Object.hasOwn(filters, name) ? filters[name] : undefined;
    if (!spec) {
      throw new ApiError(
        400,
        'API_FILTER_UNKNOWN',
        `unknown query parameter "${name.slice(0, 40)}"; this endpoint takes: ${allowed.join(', ') || 'none'}`,
        allowed,
      );
    }
    if (typeof given !== 'string') throw new ApiError(400, 'API_FILTER_INVALID', `query parameter "${name}" is given more than once`, allowed);
    if (given.length > MAX_VALUE_LENGTH)
      throw new ApiError(400, 'API_FILTER_INVALID', `query parameter "${name}" is longer than ${MAX_VALUE_LENGTH} characters`, allowed);
    const value = spec.parse(given);
    if (value === undefined) throw new ApiError(400, 'API_FILTER_INVALID', `query parameter "${name}" must be ${spec.expected}`, allowed);
    out.set(name, { text: given, value });
  }
  return out;
}
