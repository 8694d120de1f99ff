import type { SecretRef } from '../model/specs.js';

/** What the operator allows secret references to reach (operator configuration, outside git).
 * Invariant: nothing in the inventory can widen it — an unmerged branch's YAML may name any file
 * or variable, and only these are ever read. */
export interface SecretPolicy {
  /** The environment `{env: NAME}` reads (the process's own). */
  env: NodeJS.ProcessEnv;
  /** Names `{env: NAME}` may read: exact names, or a prefix ending in `*` (`PYTIN_SECRET_*`). */
  allowedEnv: readonly string[];
  /** The folder `{file: PATH}` reads under: a relative PATH is relative to it; an absolute one must
   * lie in it. Symbolic links are followed, then the real path must still lie in it. */
  dir: string;
  /** A secret file larger than this is refused (a key or a community is small; /dev/zero is not). */
  maxFileBytes: number;
  /** Hosts each listed secret may be sent to; a secret not listed may go to any host the trusted
   * connection settings name. */
  destinations: ReadonlyArray<{ secret: SecretRef; hosts: readonly string[] }>;
}

export const DEFAULT_ALLOWED_ENV = ['PYTIN_SECRET_*'] as const;
export const DEFAULT_MAX_SECRET_FILE_BYTES = 64 * 1024;

export function envAllowed(policy: Pick<SecretPolicy, 'allowedEnv'>, name: string): boolean {
  return policy.allowedEnv.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

/** The policy's entry for a reference, if the operator listed it. */
export function destinationsOf(policy: Pick<SecretPolicy, 'destinations'>, ref: SecretRef): readonly string[] | undefined {
  return policy.destinations.find((d) => (ref.env !== undefined ? d.secret.env === ref.env : ref.file !== undefined && d.secret.file === ref.file))?.hosts;
}
