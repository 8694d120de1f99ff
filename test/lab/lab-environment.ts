import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { git, writeFiles } from '../support/git-repo.js';
import { labTexts } from '../support/lab-inventory.js';
import { makeTempDir } from './daemon.js';
import { type LabLibvirtd, startLabLibvirtd } from './libvirtd.js';
import { snmpFixturesDir } from './snmp-fixtures.js';
import { type Snmpsim, startSnmpsim } from './snmpsim.js';
import { generateKey, type LabSshd, startSshd } from './sshd.js';

const run = promisify(execFile);

/** The recorded real switch standing in for each lab switch (its community is the file name). */
export const LAB_SWITCH_RECORDINGS = { 'sw-r01': 'cisco-c3750', 'sw-r02': 'dlink-des3200' } as const;
/** The lab's hosts and the SSH port each has in examples/lab. */
const LAB_HOST_PORTS = { 'hv-01': 22201, 'hv-02': 22202, 'backup-01': 22203 } as const;
const LAB_SNMP_PORTS = { 'sw-r01': 16101, 'sw-r02': 16102 } as const;
/** The libvirtd socket folder each hypervisor's URI names in examples/lab. */
const LAB_LIBVIRT_SOCKET_DIRS = { 'hv-01': '/run/pytin-lab/hv-01', 'hv-02': '/run/pytin-lab/hv-02' } as const;

export interface LabEnvironmentOptions {
  /** Serve examples/lab exactly as committed (its fixed ports and socket paths), with the
   * inventory at `inventoryRoot` (the demo). Default: random ports and a patched copy in a fresh
   * git repository (tests, which may run side by side). */
  fixedAt?: { inventoryRoot: string };
}

/** The built CLI the lab's backup node runs as `pytin`. */
const PYTIN_ENTRY = fileURLToPath(new URL('../../reconciler/cli/pytin.js', import.meta.url));

export interface LabEnvironment {
  /** The lab's scratch folder (in a test: the backup node's home, targets and cron.d live here). */
  dir: string;
  /** A git repository holding examples/lab (committed), pointed at this lab's daemons. */
  repoDir: string;
  /** Environment the inventory's secret references read (the SNMP communities). */
  env: NodeJS.ProcessEnv;
  sshd: Record<keyof typeof LAB_HOST_PORTS, LabSshd>;
  libvirtd: Record<'hv-01' | 'hv-02', LabLibvirtd>;
  /** The namespace that plays backup-01's guest-facing network (it has `veth-guests`). */
  sharedHostNamespace: string;
  snmpsim: Snmpsim;
  /** Stops every daemon by PID, removes namespaces and folders. Safe to call twice. */
  stop(): Promise<void>;
}

/** Brings up the hosts of examples/lab on loopback: snmpsim serving two recorded switches, an sshd
 * per server, an unprivileged libvirtd (test driver, shared state) per hypervisor, and a network
 * namespace for the shared host's tc. The inventory is copied into a fresh git repository with
 * the daemons' ports and URIs written in, as an operator would for a real site. */
export async function startLabEnvironment(options: LabEnvironmentOptions = {}): Promise<LabEnvironment> {
  const fixed = options.fixedAt !== undefined;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const dir = await makeTempDir('lab');
    stops.push(dir.remove);
    const repoDir = options.fixedAt?.inventoryRoot ?? join(dir.path, 'inventory');
    await mkdir(join(repoDir, '.pytin', 'secrets', 'lab'), { recursive: true });
    const clientKey = join(dir.path, 'id_ed25519');
    await generateKey(clientKey);

    // Fixed: one snmpsimd per switch on the inventory's ports. Else one serving both communities.
    const snmpsims = fixed
      ? [
          await startSnmpsim(snmpFixturesDir(), [LAB_SWITCH_RECORDINGS['sw-r01']], LAB_SNMP_PORTS['sw-r01']),
          await startSnmpsim(snmpFixturesDir(), [LAB_SWITCH_RECORDINGS['sw-r02']], LAB_SNMP_PORTS['sw-r02']),
        ]
      : [await startSnmpsim(snmpFixturesDir(), Object.values(LAB_SWITCH_RECORDINGS))];
    for (const s of snmpsims) stops.push(s.stop);
    const snmpsim = snmpsims[0]!;

    // The backup node runs pytin's engine as `pytin` (its backupAgent command): a wrapper on the
    // PATH of its SSH sessions runs this checkout's build.
    const bin = join(dir.path, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'pytin'), `#!/bin/sh\nexec ${process.execPath} ${PYTIN_ENTRY} "$@"\n`, { mode: 0o755 });
    // Two users with files for the per-user backup policy.
    const home = fixed ? '/var/tmp/pytin-lab/home' : join(dir.path, 'home');
    for (const user of ['alice', 'bob']) {
      await mkdir(join(home, user, 'docs'), { recursive: true });
      await writeFile(join(home, user, 'docs', 'notes.txt'), `${user}'s notes\n`);
    }
    const namespace = `pytin-lab-${randomBytes(3).toString('hex')}`;
    await run('ip', ['netns', 'add', namespace]);
    stops.push(async () => void (await run('ip', ['netns', 'delete', namespace])));
    await run('ip', ['-n', namespace, 'link', 'add', 'veth-guests', 'type', 'veth', 'peer', 'name', 'veth-uplink']);
    await run('ip', ['-n', namespace, 'link', 'set', 'veth-guests', 'up']);
    await run('ip', ['-n', namespace, 'link', 'set', 'veth-uplink', 'up']);

    const socketDir = (host: keyof typeof LAB_LIBVIRT_SOCKET_DIRS) => (fixed ? { socketDir: LAB_LIBVIRT_SOCKET_DIRS[host] } : {});
    const libvirtd = { 'hv-01': await startLabLibvirtd(socketDir('hv-01')), 'hv-02': await startLabLibvirtd(socketDir('hv-02')) };
    for (const l of Object.values(libvirtd)) stops.push(l.stop);
    const port = (host: keyof typeof LAB_HOST_PORTS) => (fixed ? { port: LAB_HOST_PORTS[host] } : {});
    const sshd = {
      'hv-01': await startSshd({ clientKeyPath: clientKey, ...port('hv-01') }),
      'hv-02': await startSshd({ clientKeyPath: clientKey, ...port('hv-02') }),
      'backup-01': await startSshd({
        clientKeyPath: clientKey,
        commandPrefix: `/usr/bin/ip netns exec ${namespace} /usr/bin/env PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin`,
        ...port('backup-01'),
      }),
    };
    for (const s of Object.values(sshd)) stops.push(s.stop);
    const env = { PYTIN_SECRET_SW_R01_COMMUNITY: LAB_SWITCH_RECORDINGS['sw-r01'], PYTIN_SECRET_SW_R02_COMMUNITY: LAB_SWITCH_RECORDINGS['sw-r02'] };
    if (fixed) {
      await copyFile(clientKey, join(repoDir, '.pytin', 'secrets', 'lab', 'id_ed25519'));
      return { dir: dir.path, repoDir, env, sshd, libvirtd, sharedHostNamespace: namespace, snmpsim, stop };
    }

    const texts = labTexts();
    const patch = (file: string, edits: Array<[string, string]>) => {
      let text = texts.get(file)!;
      for (const [from, to] of edits) {
        if (!text.includes(from)) throw new Error(`lab patch: "${from}" not found in ${file}`);
        text = text.replace(from, to);
      }
      texts.set(file, text);
    };
    patch('network/switches.yaml', [
      [`port: ${LAB_SNMP_PORTS['sw-r01']}`, `port: ${snmpsim.port}`],
      [`port: ${LAB_SNMP_PORTS['sw-r02']}`, `port: ${snmpsim.port}`],
    ]);
    patch('servers/hypervisors.yaml', [
      [`port: ${LAB_HOST_PORTS['hv-01']}`, `port: ${sshd['hv-01'].port}`],
      [`port: ${LAB_HOST_PORTS['hv-02']}`, `port: ${sshd['hv-02'].port}`],
      [`test+unix:///default?socket=${LAB_LIBVIRT_SOCKET_DIRS['hv-01']}/libvirt-sock`, libvirtd['hv-01'].uri],
      [`test+unix:///default?socket=${LAB_LIBVIRT_SOCKET_DIRS['hv-02']}/libvirt-sock`, libvirtd['hv-02'].uri],
    ]);
    patch('servers/backup-01.yaml', [
      [`port: ${LAB_HOST_PORTS['backup-01']}`, `port: ${sshd['backup-01'].port}`],
      ['cronDir: /var/tmp/pytin-lab/cron.d', `cronDir: ${join(dir.path, 'cron.d')}`],
    ]);
    patch('backups.yaml', [
      ['perUserHome: /var/tmp/pytin-lab/home', `perUserHome: ${join(dir.path, 'home')}`],
      ['target: /var/tmp/pytin-lab/backups/home', `target: ${join(dir.path, 'backups', 'home')}`],
    ]);
    writeFiles(repoDir, texts);
    await copyFile(clientKey, join(repoDir, '.pytin', 'secrets', 'lab', 'id_ed25519'));
    git(repoDir, 'init', '-q', '-b', 'main');
    writeFiles(repoDir, new Map([['.gitignore', '.pytin/\n']]));
    git(repoDir, 'add', '-A');
    git(repoDir, 'commit', '-qm', 'lab inventory');
    return {
      dir: dir.path,
      repoDir,
      env,
      sshd,
      libvirtd,
      sharedHostNamespace: namespace,
      snmpsim,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
