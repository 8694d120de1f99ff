import { applyRunsPage } from '../../reconciler/store/api/api-reads.js';
import type { ApiRoute } from './api-route.js';
import { RUN_SCHEMA } from './record-schemas.js';

/** The summary of a recorded plan: its `change_summary` message. */
function planSummary(json: string | null): { add: number; change: number; destroy: number; drift: number } | null {
  if (json === null) return null;
  const messages = JSON.parse(json) as Array<{ type?: string; add?: number; change?: number; destroy?: number; drift?: number }>;
  const s = messages.find((m) => m.type === 'change_summary');
  return s ? { add: s.add ?? 0, change: s.change ?? 0, destroy: s.destroy ?? 0, drift: s.drift ?? 0 } : null;
}

export const runsRoute: ApiRoute = {
  id: 'runs',
  path: '/v1/runs',
  summary: "Apply history, newest first: each run's commit, plan summary and result",
  filters: {},
  paginated: { validKey: (key) => /^[1-9][0-9]{0,15}$/.test(key) },
  response: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: RUN_SCHEMA } } },
  handle: async ({ state, page }) => {
    // One more than asked tells whether another page follows.
    const rows = await state.snapshot((db) => applyRunsPage(db, page.after === null ? null : Number(page.after), page.limit + 1));
    const items = rows.slice(0, page.limit).map((r) => ({
      id: r.id,
      commit: r.commit,
      holder: r.holder,
      startedAt: new Date(r.startedAt).toISOString(),
      finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
      status: r.status,
      plan: planSummary(r.planMessagesJson),
      outcomes: r.outcomes,
    }));
    return { body: { items }, next: rows.length > page.limit ? String(items[items.length - 1]!.id) : null };
  },
};
