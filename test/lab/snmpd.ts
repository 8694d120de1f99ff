import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type Daemon, makeTempDir, startDaemon } from './daemon.js';
import type { Netns } from './netns.js';
import { agentStopper, whenAgentAnswers } from './snmp-agent-ready.js';

export interface SnmpdV3User {
  name: string;
  authProtocol: 'SHA' | 'MD5' | 'SHA-256';
  authKey: string;
  privProtocol?: 'AES' | 'DES';
  privKey?: string;
}

export interface SnmpdOptions {
  /** Run inside this namespace, listening on its inner address; else on 127.0.0.1. */
  netns?: Netns;
  port: number;
  community: string;
  v3Users?: readonly SnmpdV3User[];
  /** A community this agent answers only over SNMPv1 (an old device): v2c with it gets silence. */
  v1OnlyCommunity?: string;
  /** `pass_persist` handlers: a crafted table served by a real agent. */
  passPersist?: readonly { oid: string; command: string }[];
  /** MIB modules to leave out (e.g. `ip`, so a pass_persist handler owns the IP-MIB tables). */
  disableModules?: readonly string[];
  /** Subtrees the community may not read (an snmpd `view`), e.g. the system group: an agent
   * configured to hide them, as some devices are. */
  excludedSubtrees?: readonly string[];
}

/** A real net-snmp snmpd, in the foreground so its PID is the one stopped. */
export interface Snmpd {
  host: string;
  /** The namespace's IPv6 address when run in one (snmpd listens there too). */
  host6?: string;
  port: number;
  daemon: Daemon;
  /** Stops snmpd by its PID (SIGTERM, then SIGKILL) and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startSnmpd(options: SnmpdOptions): Promise<Snmpd> {
  const temp = await makeTempDir('snmpd');
  const host = options.netns ? options.netns.innerIp : '127.0.0.1';
  const excluded = options.excludedSubtrees ?? [];
  const view = excluded.length > 0 ? ' -V pytinlab' : '';
  const lines = [
    // The endpoint only here, not on the command line (snmpd then fails to open it twice).
    // In a namespace also on its IPv6 address, for udp6 targets.
    `agentAddress udp:${host}:${options.port}${options.netns ? `,udp6:[${options.netns.innerIp6}]:${options.port}` : ''}`,
    ...(excluded.length > 0 ? ['view pytinlab included .1', ...excluded.map((oid) => `view pytinlab excluded .${oid.replace(/^\./, '')}`)] : []),
    `rocommunity ${options.community} default${view}`,
    // v2c over IPv6 needs its own line (rocommunity covers IPv4 sources only).
    `rocommunity6 ${options.community} default${view}`,
    '[snmp] mibs :',
  ];
  if (options.v1OnlyCommunity !== undefined) {
    lines.push(
      `com2sec pytinv1 default ${options.v1OnlyCommunity}`,
      'group pytinv1group v1 pytinv1',
      'view pytinv1view included .1',
      'access pytinv1group "" v1 noauth exact pytinv1view none none',
    );
  }
  for (const user of options.v3Users ?? []) {
    const priv = user.privProtocol && user.privKey ? ` ${user.privProtocol} ${user.privKey}` : '';
    lines.push(`createUser ${user.name} ${user.authProtocol} ${user.authKey}${priv}`);
    lines.push(`rouser ${user.name} ${priv ? 'authpriv' : 'auth'}`);
  }
  for (const handler of options.passPersist ?? []) lines.push(`pass_persist ${handler.oid} ${handler.command}`);
  const conf = join(temp.path, 'snmpd.conf');
  await writeFile(conf, lines.join('\n') + '\n');
  // -I -smux: no SMUX on port 199, which two agents would fight over.
  const modules = ['smux', ...(options.disableModules ?? [])].join(',');
  const snmpdArgs = ['-f', '-Lf', join(temp.path, 'snmpd.log'), '-I', `-${modules}`, '-C', '-c', conf, '-M', '/dev/null', '-p', join(temp.path, 'snmpd.pid')];
  // Persistent state (engine boots, USM keys) in the temp folder, not /var/lib/snmp.
  const env = { ...process.env, SNMP_PERSISTENT_DIR: temp.path };
  // `ip netns exec` execs snmpd in place: the PID is snmpd's own.
  const daemon = options.netns
    ? startDaemon('ip', ['netns', 'exec', options.netns.name, 'snmpd', ...snmpdArgs], { env })
    : startDaemon('snmpd', snmpdArgs, { env });
  const stop = agentStopper(daemon, temp.remove);
  await whenAgentAnswers(daemon, stop, { host, port: options.port, community: options.community }, 60_000);
  return { host, ...(options.netns ? { host6: options.netns.innerIp6 } : {}), port: options.port, daemon, stop };
}

/** A `pass_persist` handler serving `rows` (in serving order, see snmp-crafted-table.ts) under
 * `oid`; the rows file is written into `dir`. */
export async function craftedTable(
  dir: string,
  oid: string,
  rows: readonly { oid: string; type: string; value: string }[],
  options: { wrap?: boolean; dieAfterRow?: number } = {},
): Promise<{ oid: string; command: string }> {
  const file = join(dir, `rows-${oid.replace(/\W/g, '_')}.json`);
  await writeFile(file, JSON.stringify(rows));
  const script = fileURLToPath(new URL('./snmp-crafted-table.js', import.meta.url));
  const modes = [...(options.wrap ? ['wrap'] : []), ...(options.dieAfterRow === undefined ? [] : [`die-after=${options.dieAfterRow}`])];
  return { oid, command: [process.execPath, script, file, ...modes].join(' ') };
}
