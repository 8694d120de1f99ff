import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A network namespace this test run created, joined to the host by one veth pair on a random
 * link-local /30 (169.254.0.0/16: never routed beyond the link). Traffic stays between the host
 * end and the namespace. */
export interface Netns {
  /** `pytin-snmp-<hex>`. */
  name: string;
  /** The veth end inside the namespace (neighbour entries go on it). */
  innerIf: string;
  /** Address of the host end, and of the namespace end (where its agents listen). */
  hostIp: string;
  innerIp: string;
  /** The same for IPv6, on a random unique-local /64 (fd00::/8, also never routed beyond). */
  hostIp6: string;
  innerIp6: string;
  /** Kills nothing: stop the daemons inside first. Deletes the namespace and the veth pair. */
  remove(): Promise<void>;
}

export async function ip(args: readonly string[]): Promise<string> {
  return (await run('ip', [...args])).stdout;
}

async function linkLocalSubnetInUse(prefix: string): Promise<boolean> {
  return (await ip(['-4', '-o', 'addr', 'show', 'to', `${prefix}/30`])).trim() !== '';
}

export async function createNetns(): Promise<Netns> {
  const id = randomBytes(4).toString('hex');
  const name = `pytin-snmp-${id}`;
  // Interface names are limited to 15 characters: `pytin-snmp-` plus 4 hex digits.
  const hostIf = `pytin-snmp-${id.slice(0, 4)}`;
  const innerIf = 'veth-agent';
  let prefix = '';
  for (let attempt = 0; attempt < 20 && prefix === ''; attempt++) {
    const candidate = `169.254.${randomInt(1, 255)}.${randomInt(0, 64) * 4}`;
    if (!(await linkLocalSubnetInUse(candidate))) prefix = candidate;
  }
  if (prefix === '') throw new Error('no free link-local /30 for the test namespace');
  const [a, b, c, d] = prefix.split('.').map(Number) as [number, number, number, number];
  const hostIp = `${a}.${b}.${c}.${d + 1}`;
  const innerIp = `${a}.${b}.${c}.${d + 2}`;
  const ula = `fd${randomBytes(5)
    .toString('hex')
    .replace(/^(..)(....)(....)$/, '$1:$2:$3')}`;
  const hostIp6 = `${ula}::1`;
  const innerIp6 = `${ula}::2`;
  await ip(['netns', 'add', name]);
  const remove = async () => {
    await ip(['netns', 'del', name]).catch(() => undefined);
    // Deleting the namespace destroys its veth end and with it the pair; this only matters if
    // something still holds the namespace open.
    await ip(['link', 'del', hostIf]).catch(() => undefined);
  };
  try {
    await ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', innerIf, 'netns', name]);
    await ip(['addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
    await ip(['link', 'set', hostIf, 'up']);
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
    await ip(['-n', name, 'addr', 'add', `${innerIp}/30`, 'dev', innerIf]);
    await ip(['-n', name, 'link', 'set', innerIf, 'up']);
    // nodad: the addresses are usable at once instead of after duplicate address detection.
    await ip(['-6', 'addr', 'add', `${hostIp6}/64`, 'dev', hostIf, 'nodad']);
    await ip(['-n', name, '-6', 'addr', 'add', `${innerIp6}/64`, 'dev', innerIf, 'nodad']);
  } catch (error) {
    await remove();
    throw error;
  }
  return { name, innerIf, hostIp, innerIp, hostIp6, innerIp6, remove };
}

/** One permanent neighbour entry: no packet is sent to it. */
export interface NeighbourEntry {
  ip: string;
  mac: string;
}

/** Adds permanent neighbours on the namespace's veth end, all in one `ip -batch` (10,000 take
 * well under a second). IPv6 entries need the `nodad`-free link to be up, which it is. */
export async function addNeighbours(netns: Netns, entries: readonly NeighbourEntry[]): Promise<void> {
  const script = entries.map((e) => `neigh replace ${e.ip} lladdr ${e.mac} dev ${netns.innerIf} nud permanent`).join('\n') + '\n';
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ip', ['-n', netns.name, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ip -batch failed (${code}): ${stderr.slice(0, 500)}`))));
    child.stdin.end(script);
  });
}

/** `count` distinct IPv4 neighbours in 10.99.0.0/16 with MACs 52:54:00:xx:xx:xx. */
export function manyIpv4Neighbours(count: number): NeighbourEntry[] {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return Array.from({ length: count }, (_, i) => ({
    ip: `10.99.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
    mac: `52:54:00:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`,
  }));
}
