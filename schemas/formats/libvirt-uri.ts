import { isHostPath } from './paths.js';
import { isUrlAuthority } from './urls.js';

/**
 * The libvirt connection URIs pytin accepts for `Server.libvirt.uri` (`virsh -c URI` and
 * `virt-install --connect URI`, run ON the hypervisor over pytin's own SSH connection).
 *
 * libvirt URIs can make virsh run programs and read files: the `ext` transport runs `command=`;
 * the ssh transports run `ssh` (or `command=`) with `netcat=` on the far side, read `keyfile=`
 * and `known_hosts=`; tls reads `pkipath=`; `no_verify=` switches off certificate and host key
 * checks; `name=` hands another URI to the far daemon. A branch under review must not be able to
 * do any of that when CI observes with the revision's settings, so only this is accepted:
 *
 * - drivers `qemu` and `test` (libvirt's test driver, the lab);
 * - transports: none, `unix`, `tls`, `tcp`. Not `ext`, `ssh`, `libssh`, `libssh2`: they run
 *   programs from URI parameters, and pytin already reaches the hypervisor over its own pinned
 *   SSH connection, so a hypervisor never needs to SSH elsewhere;
 * - a host (and port) only for `tls`, `tcp` or no transport, never a user (`user@`);
 * - path `/system` or `/session` for qemu; `/default`, or an absolute path to a `.xml` node
 *   definition, for test;
 * - query parameters, each at most once: `socket` (an absolute path of safe characters) and
 *   `mode` (`auto`, `legacy`, `direct`), both for local connections only. Nothing else.
 * - no fragment, no `%` escapes, no blank, quote or control character anywhere.
 */
export interface LibvirtUri {
  driver: 'qemu' | 'test';
  transport: 'unix' | 'tls' | 'tcp' | null;
  /** `host` or `host:port`; null for a local connection. */
  authority: string | null;
  path: string;
  params: ReadonlyMap<string, string>;
}

export const MAX_LIBVIRT_URI_LENGTH = 500;

const MODES = ['auto', 'legacy', 'direct'];

export function parseLibvirtUri(text: string): LibvirtUri | undefined {
  if (text.length > MAX_LIBVIRT_URI_LENGTH) return undefined;
  // Everything below is matched against a class of allowed characters: nothing else gets through.
  const match = /^(qemu|test)(?:\+(unix|tls|tcp))?:\/\/([A-Za-z0-9.:[\]-]*)(\/[A-Za-z0-9_.+@/-]*)(?:\?([A-Za-z0-9_.+@/=&-]*))?$/.exec(text);
  if (!match) return undefined;
  const driver = match[1] as LibvirtUri['driver'];
  const transport = (match[2] ?? null) as LibvirtUri['transport'];
  const authority = match[3] === '' ? null : match[3]!;
  const path = match[4]!;
  if (authority !== null && (transport === 'unix' || !isUrlAuthority(authority))) return undefined;
  if (authority === null && (transport === 'tls' || transport === 'tcp')) return undefined;
  const pathOk = driver === 'qemu' ? path === '/system' || path === '/session' : path === '/default' || (isHostPath(path) && path.endsWith('.xml'));
  if (!pathOk) return undefined;
  const params = new Map<string, string>();
  if (match[5] !== undefined) {
    for (const pair of match[5].split('&')) {
      const equals = pair.indexOf('=');
      if (equals <= 0) return undefined;
      const key = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      if (params.has(key)) return undefined;
      // socket and mode are about the local UNIX socket: meaningless (or ignored) for a remote host.
      if (authority !== null) return undefined;
      if (key === 'socket' ? !isHostPath(value) || value === '/' : key === 'mode' ? !MODES.includes(value) : true) return undefined;
      params.set(key, value);
    }
  }
  return { driver, transport, authority, path, params };
}

/** The `pytin-libvirt-uri` format. */
export function isLibvirtUri(text: string): boolean {
  return parseLibvirtUri(text) !== undefined;
}
