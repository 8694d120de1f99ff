/** Whether JSON.parse(JSON.stringify(value)) gives back exactly `value`: only null, booleans,
 * strings, finite numbers other than -0, and plain objects and arrays (no holes) that each appear
 * once — no node shared by two places (a YAML alias), no undefined, no .inf/.nan, no Date or
 * binary. Bounded: one visit per node, an explicit stack. */
export function isExactJson(value: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node === 'string' || typeof node === 'boolean') continue;
    if (typeof node === 'number') {
      if (!Number.isFinite(node) || Object.is(node, -0)) return false;
      continue;
    }
    if (typeof node !== 'object') return false;
    if (seen.has(node)) return false;
    seen.add(node);
    if (Object.getOwnPropertySymbols(node).length > 0) return false;
    if (Array.isArray(node)) {
      if (Object.getPrototypeOf(node) !== Array.prototype || Object.keys(node).length !== node.length) return false;
      for (const item of node) stack.push(item);
      continue;
    }
    if (Object.getPrototypeOf(node) !== Object.prototype) return false;
    const names = Object.getOwnPropertyNames(node);
    const keys = Object.keys(node);
    if (names.length !== keys.length) return false;
    for (const key of keys) {
      const descriptor = Object.getOwnPropertyDescriptor(node, key)!;
      if (!('value' in descriptor)) return false;
      stack.push(descriptor.value);
    }
  }
  return true;
}
