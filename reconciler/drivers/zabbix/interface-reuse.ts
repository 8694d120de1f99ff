/** Interfaces are changed in place: each wanted interface takes over the first observed one of its
 * type (keeping its id, so the items using it keep working). What is left over is what an update
 * would remove. Observe (to count the items of those) and plan (to build the request) must agree,
 * so both ask this. */
export function leftOverInterfaces<T extends { type: string }>(observed: readonly T[], wantedTypes: readonly string[]): T[] {
  const rest = [...observed];
  for (const type of wantedTypes) {
    const index = rest.findIndex((o) => o.type === type);
    if (index >= 0) rest.splice(index, 1);
  }
  return rest;
}
