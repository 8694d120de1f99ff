/** The name a mapping key has as a property of the document's JS value, or undefined when the key
 * is not a plain value (a list, a mapping, a tagged date or binary). Keys that read differently in
 * YAML but give the same name (`1` and `"1"`, `~` and `null`) are the same field of the value, so
 * duplicate detection and position lookup both compare these names. */
export function propertyName(keyValue: unknown): string | undefined {
  if (keyValue === null) return '';
  switch (typeof keyValue) {
    case 'string':
      return keyValue;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(keyValue);
    default:
      return undefined;
  }
}
