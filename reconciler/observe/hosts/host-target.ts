/** The address diagnostics about a host carry. */
export function hostAddress(target: { name: string }): string {
  return `server/${target.name}`;
}
