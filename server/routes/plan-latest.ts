import { latestPlanMessagesJson } from '../../reconciler/store/api/api-reads.js';
import type { ApiRoute } from './api-route.js';

export const planLatestRoute: ApiRoute = {
  id: 'plan-latest',
  path: '/v1/plan/latest',
  summary: 'The plan last applied for the revision: the same messages `pytin plan --json` prints, one per array item',
  filters: {},
  response: {
    type: 'object',
    required: ['runId', 'messages'],
    properties: {
      runId: { type: 'integer', description: 'The apply run that applied it (see /v1/runs).' },
      messages: {
        type: 'array',
        description: 'version, diagnostic, planned_change, drift and change_summary messages, as `pytin plan --json` prints them.',
        items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } }, additionalProperties: true },
      },
    },
  },
  handle: async ({ state }) => {
    const found = await state.snapshot((db) => latestPlanMessagesJson(db, state.commit));
    return found ? { body: { runId: found.runId, messages: JSON.parse(found.json) as unknown[] } } : undefined;
  },
};
