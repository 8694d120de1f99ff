import { isResourceName } from '../../schemas/formats/names.js';
import type { RouteRequest } from './api-route.js';

/** Paging over records sorted by name (names are unique per kind and sort the same everywhere). */
export const byName = { validKey: isResourceName };

export function pageByName<T extends { name: string }>(sorted: readonly T[], page: RouteRequest['page']): { items: T[]; next: string | null } {
  const start = page.after === null ? 0 : sorted.findIndex((r) => r.name > page.after!);
  const from = start < 0 ? sorted.length : start;
  const items = sorted.slice(from, from + page.limit);
  return { items, next: from + page.limit < sorted.length ? items[items.length - 1]!.name : null };
}
