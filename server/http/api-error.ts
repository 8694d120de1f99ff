import type { API_CODES } from '../../reconciler/store/api/api-codes.js';

/** An answer other than 200/304: its status, its permanent code, a message for people, and for
 * a filter error the parameters the endpoint takes. Thrown by the request pipeline and routes,
 * turned into the JSON error body in one place (build.ts). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: keyof typeof API_CODES,
    message: string,
    readonly allowed?: readonly string[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The body of every error answer. */
export const ERROR_SCHEMA = {
  type: 'object',
  description: 'An error: a permanent code (see the catalogue), a message, and for a filter error the parameters the endpoint takes.',
  required: ['code', 'message'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', pattern: '^API_[A-Z_]+$' },
    message: { type: 'string' },
    allowed: { type: 'array', items: { type: 'string' } },
  },
} as const;
