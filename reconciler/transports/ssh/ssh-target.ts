/** How to reach one host over SSH. Plain data: the inventory's Server and connection settings
 * are turned into this at the edge. */
export interface SshTarget {
  /** The host's name in the inventory; used in messages and as the pool key. */
  name: string;
  host: string;
  port: number;
  user: string;
  /** An unencrypted private key (OpenSSH or PEM format). Passphrases are not supported yet. */
  privateKeyPath: string;
}

export function describeTarget(target: SshTarget): string {
  return `${target.name} (${target.user}@${target.host}:${target.port})`;
}
