import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

import { LocalRunner } from '../../reconciler/transports/local-runner.js';
import { canonicalIp } from '../../schemas/formats/ip.js';

const run = promisify(execFile);

/** A shared "host" and one "guest", each in a network namespace this test run created
 * (`pytin-tc-<hex>` and `pytin-tc-<hex>-g`), joined by one veth pair: `shaped0` on the host side
 * (the guest-facing interface the tc driver shapes), `eth0` in the guest. The guest holds an IPv4
 * and an IPv6 address; no address here is reachable from outside the two namespaces. */
export interface TcLab {
  host: string;
  guest: string;
  /** The guest-facing interface in the host namespace. */
  shaped: string;
  hostIp: string;
  guestIp: string;
  /** A second address of the same guest, for showing that a limit is per address. */
  guestIp2: string;
  hostIp6: string;
  guestIp6: string;
  /** Runs commands inside the host namespace: what the driver gets as its CommandRunner. */
  hostRunner: LocalRunner;
  /** Deletes both namespaces (and with them the veth pair and any ifb inside). */
  remove(): Promise<void>;
}

const ip = async (...args: string[]) => (await run('ip', args)).stdout;

export async function createTcLab(): Promise<TcLab> {
  const id = randomBytes(4).toString('hex');
  const host = `pytin-tc-${id}`;
  const guest = `pytin-tc-${id}-g`;
  const subnet = `10.${randomInt(64, 128)}.${randomInt(0, 256)}`;
  const ula = `fd${randomBytes(5)
    .toString('hex')
    .replace(/^(..)(....)(....)$/, '$1:$2:$3')}`;
  const lab = {
    host,
    guest,
    shaped: 'shaped0',
    hostIp: `${subnet}.1`,
    guestIp: `${subnet}.2`,
    guestIp2: `${subnet}.3`,
    // Canonical text (no leading zeros in groups), as pytin writes addresses everywhere.
    hostIp6: canonicalIp(`${ula}::1`)!,
    guestIp6: canonicalIp(`${ula}::2`)!,
    hostRunner: new LocalRunner(host, ['ip', 'netns', 'exec', host]),
    async remove() {
      await ip('netns', 'del', host).catch(() => undefined);
      await ip('netns', 'del', guest).catch(() => undefined);
    },
  };
  await ip('netns', 'add', host);
  try {
    await ip('netns', 'add', guest);
    await ip('-n', host, 'link', 'add', 'shaped0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', guest);
    for (const [ns, dev, v4, v6] of [
      [host, 'shaped0', lab.hostIp, lab.hostIp6],
      [guest, 'eth0', lab.guestIp, lab.guestIp6],
    ] as const) {
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      await ip('-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev);
      // nodad: usable at once instead of after duplicate address detection.
      await ip('-n', ns, '-6', 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad');
      await ip('-n', ns, 'link', 'set', dev, 'up');
    }
    await ip('-n', guest, 'addr', 'add', `${lab.guestIp2}/24`, 'dev', 'eth0');
  } catch (error) {
    await lab.remove();
    throw error;
  }
  return lab;
}

/** Whether this kernel can make an ifb device (asked inside a throwaway namespace). The message
 * says exactly what is missing when it cannot. */
export async function ifbSupport(): Promise<{ ok: true } | { ok: false; message: string }> {
  const ns = `pytin-tc-${randomBytes(4).toString('hex')}-ifb`;
  await ip('netns', 'add', ns);
  try {
    await ip('-n', ns, 'link', 'add', 'ifbtest', 'type', 'ifb');
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      message: `this kernel cannot create ifb devices ("ip link add ifbtest type ifb" failed: ${(error as Error).message.trim()}); load the ifb module (modprobe ifb)`,
    };
  } finally {
    await ip('netns', 'del', ns).catch(() => undefined);
  }
}
