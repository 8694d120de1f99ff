import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';

import type { Store } from '../reconciler/store/open-store.js';
import { ApiError } from './http/api-error.js';
import { rateLimiter } from './http/rate-limit.js';
import { DOCS_PAGE } from './openapi/docs-page.js';
import { HEALTH_RESPONSE, openApiDocument, responseSchema } from './openapi/openapi-document.js';
import { type PipelineContext, serveRoute } from './request-pipeline.js';
import { ROUTES } from './routes/index.js';
import { answerCache } from './state/answer-cache.js';
import { stateCache } from './state/state-cache.js';
import { storeHead } from './state/store-head.js';
import { registerWebRoutes } from './web/web-routes.js';

export interface BuildOptions {
  store: Store;
  /** Origins allowed to read the API from a browser. Absent or empty: no CORS header is sent. */
  corsOrigins?: readonly string[];
  /** Per token (or per peer without one). Default 6,000 a minute, bursts of 500. */
  rateLimit?: { perMinute: number; burst: number };
  /** Bytes of serialised answers kept by ETag (default 32 MiB; 0: none). */
  answerCacheBytes?: number;
  /** Where the JSON access log goes (one line per request; never a token). Absent: no log. */
  accessLog?: Writable;
}

/** Methods answered with 405 on every known path (the API is read-only). */
const REFUSED_METHODS = ['DELETE', 'PATCH', 'POST', 'PUT', 'OPTIONS'] as const;
const ALLOW = 'GET, HEAD';

/** A token's text never reaches the log, even when sent where it does not belong (the query). */
const redactTokens = (text: string) => text.replace(/pytin_[A-Za-z0-9_-]{20,}/g, 'pytin_[redacted]');

/** The API as a fastify app, not listening (tests inject(); server/main.ts listens). */
export async function build(options: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.accessLog ? { level: 'info', stream: options.accessLog, redact: ['req.headers.authorization'] } : false,
    // One access line per request, written by the onResponse hook below, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Never trust a client's request id: ours are random.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    // Path parameters are resource names (63 characters at most): anything longer is a 404.
    routerOptions: { maxParamLength: 100 },
    return503OnClosing: true,
  });
  const context: PipelineContext = {
    store: options.store,
    head: storeHead(options.store),
    cache: stateCache(options.store),
    answers: answerCache(options.answerCacheBytes ?? 32 * 1024 * 1024),
    limiter: rateLimiter(options.rateLimit?.perMinute ?? 6000, options.rateLimit?.burst ?? 500),
    tokenNames: new WeakMap(),
  };
  const cors = new Set(options.corsOrigins ?? []);

  app.addHook('onSend', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && cors.has(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin').header('access-control-expose-headers', 'ETag, X-Pytin-Revision');
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: redactTokens(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        token: context.tokenNames.get(request) ?? null,
        peer: request.ip,
      },
      'access',
    );
  });

  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      reply.headers(error.headers);
      return reply.code(error.status).send({ code: error.code, message: error.message, ...(error.allowed ? { allowed: error.allowed } : {}) });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // fastify's own refusals of a malformed request (never from a handler: those throw ApiError).
      return reply.code(400).send({ code: 'API_FILTER_INVALID', message: 'the request is malformed' });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ code: 'API_INTERNAL', message: `the server failed; request id ${request.id}` });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ code: 'API_NOT_FOUND', message: `no endpoint ${redactTokens(request.url.split('?')[0] ?? '')}; see /v1/openapi.json` }),
  );

  /** 405 for every other method of a known path, answered before any body is read. A CORS
   * preflight from an allowed origin is the one OPTIONS answered with 204. */
  const refuseOtherMethods = (url: string) =>
    app.route({
      method: [...REFUSED_METHODS],
      url,
      onRequest: async (request, reply) => {
        const origin = request.headers.origin;
        if (request.method === 'OPTIONS' && origin !== undefined && cors.has(origin)) {
          return reply
            .code(204)
            .header('access-control-allow-methods', ALLOW)
            .header('access-control-allow-headers', 'Authorization, If-None-Match')
            .header('access-control-max-age', '600')
            .send();
        }
        return reply
          .code(405)
          .header('allow', ALLOW)
          .send({ code: 'API_METHOD_NOT_ALLOWED', message: `the API is read-only: ${request.method} is not allowed on ${url}; use ${ALLOW}` });
      },
      handler: async () => undefined,
    });

  for (const route of ROUTES) {
    app.get(route.path, { schema: { response: { 200: responseSchema(route) } } }, (request, reply) => serveRoute(context, route, request, reply));
    refuseOtherMethods(route.path);
  }

  // Health: no token (load balancers and monitoring), and it says only whether the store answers
  // and which commit is served.
  app.get('/v1/health', { schema: { response: { 200: HEALTH_RESPONSE } } }, async (_request, reply) => {
    const head = await context.head.current();
    if (head.latest !== null) reply.header('x-pytin-revision', head.latest);
    return reply.send({ status: 'ok', revision: head.latest });
  });
  refuseOtherMethods('/v1/health');
  const document = openApiDocument(ROUTES);
  app.get('/v1/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(document)));
  refuseOtherMethods('/v1/openapi.json');
  app.get('/v1/docs', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'")
      .send(DOCS_PAGE),
  );
  refuseOtherMethods('/v1/docs');
  // The web view for people (server/web/): the same tokens (HTTP Basic), the same state caches.
  registerWebRoutes(app, context, refuseOtherMethods);
  await app.ready();
  return app;
}
