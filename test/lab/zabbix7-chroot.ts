import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { ZabbixRuntime } from './zabbix.js';

const run = promisify(execFile);

/** The Zabbix 7.0 LTS chroot is built here once per machine (about 1.3 GB). */
export const ZABBIX7_CACHE = '/var/tmp/pytin-zabbix7-cache';
const ROOT = `${ZABBIX7_CACHE}/root`;
/** The shell half (build under a lock, proc mounted while used): shell, since flock holds its lock
 * for exactly as long as the process lives. Compiled tests run from dist/test/lab; the script stays in test/lab. */
export const ZABBIX7_SCRIPT = fileURLToPath(new URL('../../../test/lab/zabbix7-chroot.sh', import.meta.url));
let instances = 0;
const APT_SOURCES = '/etc/apt/sources.list.d/debian.sources';

/** The Debian archive this machine's apt uses: the `URIs` of the first deb822 stanza that is not
 * the security archive. The chroot is built from it and from no other address. */
export function debianMirror(sources: string): string {
  for (const stanza of sources.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.+)$`, 'm').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
    const uri = field('URIs')[0];
    if (!uri || field('Suites').some((s) => s.endsWith('-security'))) continue;
    // Passed to debootstrap as one argument: an http(s) URL of plain characters only.
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/.test(uri))
      throw new Error(`${APT_SOURCES}: "${uri}" is not a plain http(s) mirror URL`);
    return uri;
  }
  throw new Error(`${APT_SOURCES} names no Debian archive`);
}

/** The 7.0 runtime: builds the chroot when the machine has none (about 2.5 min; concurrent
 * callers wait for one build), and mounts proc in it for as long as a lab instance uses it. */
export async function zabbix7Runtime(): Promise<ZabbixRuntime> {
  const mirror = debianMirror(await readFile(APT_SOURCES, 'utf8'));
  await run('bash', [ZABBIX7_SCRIPT, 'build', ZABBIX7_CACHE, mirror], { maxBuffer: 16 * 1024 * 1024 }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`building the Zabbix 7.0 chroot in ${ZABBIX7_CACHE} failed: ${error.stderr ?? error.message}`);
  });
  return {
    root: ROOT,
    prefix: ['chroot', ROOT],
    async enter() {
      // One user per lab instance: two instances in one test process each hold proc.
      const user = `${process.pid}.${++instances}`;
      await run('bash', [ZABBIX7_SCRIPT, 'enter', ZABBIX7_CACHE, user]);
      return async () => {
        await run('bash', [ZABBIX7_SCRIPT, 'leave', ZABBIX7_CACHE, user]);
      };
    },
  };
}
