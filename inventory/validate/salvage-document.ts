import type { ErrorObject, ValidateFunction } from 'ajv';

import { pointerToPath } from './schema-diagnostics.js';

/** How many times a document is pruned and checked again before it is given up. Each round removes
 * every value an error points at, so real documents need one or two. */
const MAX_ROUNDS = 6;

type Node = Record<string, unknown> | unknown[];

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === 'object';
}

function parentOf(root: Node, path: readonly string[]): Node | undefined {
  let node: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (!isNode(node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return isNode(node) ? node : undefined;
}

/** The value an error condemns: the value itself, an unknown field, or (for a missing required field
 * or a failed oneOf) the whole mapping that lacks it. */
function condemnedPath(error: ErrorObject): string[] {
  const path = pointerToPath(error.instancePath).map(String);
  if (error.keyword === 'additionalProperties') return [...path, String((error.params as Record<string, unknown>).additionalProperty)];
  return path;
}

/** A copy of a document that failed its schema with every value a schema error points at pruned
 * (array items removed, mapping keys deleted, a mapping missing a required field removed as a
 * whole), checked again until it passes — so the cross-object rules can run on what is right in it
 * (issue 10: errors must not come in waves). Undefined when the document itself is what is wrong
 * (a required top-level field is missing or malformed): then it stays out of the rules.
 * The copy is only ever read by rules; it never enters the DesiredState. */
export function salvageDocument(record: Record<string, unknown>, validate: ValidateFunction): Record<string, unknown> | undefined {
  const copy = structuredClone(record);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (validate(copy)) return copy;
    const paths = (validate.errors ?? []).filter((e) => e.keyword !== 'if').map(condemnedPath);
    // Top-level fields with errors that the schema requires cannot go: the document is given up.
    if (paths.some((p) => p.length === 0)) return undefined;
    // Deepest first and array items from the end, so that removing one does not shift another.
    const unique = [...new Map(paths.map((p) => [JSON.stringify(p), p])).values()].sort(
      (a, b) => b.length - a.length || Number(b[b.length - 1]) - Number(a[a.length - 1]) || 0,
    );
    for (const path of unique) {
      const parent = parentOf(copy, path);
      const key = path[path.length - 1]!;
      if (!parent) continue;
      if (Array.isArray(parent)) {
        const index = Number(key);
        if (Number.isInteger(index) && index < parent.length) parent.splice(index, 1);
      } else delete parent[key];
    }
  }
  return validate(copy) ? copy : undefined;
}
