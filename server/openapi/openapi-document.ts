import { ERROR_SCHEMA } from '../http/api-error.js';
import { routeFilters } from '../request-pipeline.js';
import type { ApiRoute } from '../routes/api-route.js';

/** The 200 body of a route as served: the route's schema with the revision, and for a paginated
 * route the next cursor. fastify serialises with it (nothing outside it is sent) and the OpenAPI
 * document publishes it: one schema, two uses. */
export function responseSchema(route: ApiRoute): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    revision: { type: 'string', description: 'The commit the answer was read at (also the X-Pytin-Revision header).' },
    ...route.response.properties,
  };
  const required = ['revision', ...route.response.required];
  if (route.paginated) {
    properties.next = { type: ['string', 'null'], description: 'Cursor for the next page (pass as ?after=); null on the last page.' };
    required.push('next');
  }
  return {
    type: 'object',
    additionalProperties: false,
    required,
    properties,
    ...(route.response.description ? { description: route.response.description } : {}),
  };
}

export const HEALTH_RESPONSE = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'revision'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    revision: { type: ['string', 'null'], description: 'The last applied commit; null before any apply.' },
  },
} as const;

const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json({ $ref: '#/components/schemas/Error' }, description);

const REVISION_HEADERS = {
  'X-Pytin-Revision': { description: 'The commit the answer was read at.', schema: { type: 'string' } },
  ETag: { description: 'From the revision, the observed facts, the route and the normalised query.', schema: { type: 'string' } },
};

/** The OpenAPI 3.1 document of the API, generated from the routes' own filter specs and
 * response schemas. */
export function openApiDocument(routes: readonly ApiRoute[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const route of routes) {
    const parameters = [
      ...Object.entries(route.params ?? {}).map(([name, spec]) => ({ name, in: 'path', required: true, description: spec.description, schema: spec.schema })),
      ...Object.entries(routeFilters(route)).map(([name, spec]) => ({
        name,
        in: 'query',
        required: false,
        description: spec.description,
        schema: spec.schema,
      })),
    ];
    paths[route.path.replace(/:([a-z]+)/g, '{$1}')] = {
      get: {
        operationId: route.id.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        parameters,
        responses: {
          '200': { ...json(responseSchema(route), route.summary), headers: REVISION_HEADERS },
          '304': { description: 'Not modified: the If-None-Match ETag is still current.', headers: REVISION_HEADERS },
          '400': error('An unknown or malformed query parameter (the answer lists those allowed), or a malformed cursor.'),
          '401': error('No token, or an unknown or revoked one.'),
          '404': error('No such resource at the revision, or a ?rev= commit never applied.'),
          '405': error('Any method but GET and HEAD (the Allow header says so).'),
          '429': error('Rate limited: retry after the Retry-After header.'),
          '503': error('Nothing applied yet.'),
        },
      },
    };
  }
  paths['/v1/health'] = {
    get: {
      operationId: 'health',
      summary: 'Whether the server and its store answer, and the commit served (no token needed)',
      security: [],
      responses: { '200': json(HEALTH_RESPONSE, 'The server answers.') },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'pytin read-only API',
      version: '1',
      description:
        'The desired state of the last applied commit (or any earlier one with ?rev=), joined with what observation saw. Read-only; every answer names its commit.',
    },
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `pytin token create --name NAME`.' } },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}
