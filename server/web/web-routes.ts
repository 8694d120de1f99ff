import type { FastifyInstance } from 'fastify';

import type { PipelineContext } from '../request-pipeline.js';
import { devicePage } from './device-page.js';
import { overviewPage } from './overview-page.js';
import { planCache } from './plan-cache.js';
import { planPage } from './plan-page.js';
import { poolPage } from './pool-page.js';
import { rackPage } from './rack-page.js';
import { tenantPage } from './tenant-page.js';
import { ICON, ICON_PATH, STYLESHEET, STYLESHEET_PATH } from './web-assets.js';
import { serveWebPage } from './web-pipeline.js';

/** Every page of the web view. Adding one: a file exporting a WebPage and a line here. */
export const WEB_PAGES = [overviewPage, rackPage, devicePage, poolPage, tenantPage, planPage] as const;

/** Registers the web view on the API's app: the pages (read-only, so every other method is a
 * 405 like the API's) and the two static files. */
export function registerWebRoutes(app: FastifyInstance, context: PipelineContext, refuseOtherMethods: (path: string) => void): void {
  const plans = planCache();
  for (const page of WEB_PAGES) {
    app.get(page.path, (request, reply) => serveWebPage(context, plans, page, request, reply));
    refuseOtherMethods(page.path);
  }
  const asset = (path: string, type: string, text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    app.get(path, async (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff').send(bytes),
    );
    refuseOtherMethods(path);
  };
  asset(STYLESHEET_PATH, 'text/css; charset=utf-8', STYLESHEET);
  asset(ICON_PATH, 'image/svg+xml', ICON);
}
