import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { COMMANDS } from '../../../../reconciler/cli/commands.js';
import { runCli } from '../../../../reconciler/cli/run-cli.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { addNeighbours, createNetns, type Netns } from '../../../lab/netns.js';
import { type Snmpd, startSnmpd } from '../../../lab/snmpd.js';
import { captureIO } from '../../../support/capture-io.js';

const COMMUNITY = 'cli-community-s3cret';
const V3_USER = { name: 'pytin-cli', authProtocol: 'SHA', authKey: 'cli-auth-s3cret', privProtocol: 'AES', privKey: 'cli-priv-s3cret' } as const;
const NEIGHBOURS = [
  { ip: '10.99.0.50', mac: '52:54:00:cc:00:50' },
  { ip: 'fd00:99::51', mac: '52:54:00:cc:00:51' },
];

let netns: Netns;
let snmpd: Snmpd;
let hostPort: string;

before(async () => {
  netns = await createNetns();
  await addNeighbours(netns, NEIGHBOURS);
  snmpd = await startSnmpd({ netns, port: 1161, community: COMMUNITY, v3Users: [V3_USER] });
  hostPort = `${snmpd.host}:${snmpd.port}`;
});
after(async () => {
  await snmpd?.stop();
  await netns?.remove();
});

function withCommunity<T extends { env: NodeJS.ProcessEnv }>(io: T, community: string): T {
  io.env.PYTIN_SNMP_COMMUNITY = community;
  return io;
}

function assertNoSecrets(text: string): void {
  for (const secret of [COMMUNITY, V3_USER.authKey, V3_USER.privKey, 'wrong-auth-key']) assert.ok(!text.includes(secret), 'a credential was printed');
}

describe('pytin observe device', () => {
  test('--json prints interfaces, ARP rows and the rest with lower-case colon MACs', async () => {
    const io = captureIO();
    const code = await runCli(COMMANDS, ['observe', 'device', '--host', hostPort, '--json'], withCommunity(io, COMMUNITY));
    assert.equal(code, 0, io.err());
    const printed = JSON.parse(io.out()) as {
      system: { sysName: string };
      interfaces: { ifIndex: number; ifName: string }[];
      arp: { ifIndex: number; ip: string; mac: string }[];
      fdb: unknown[];
      lldp: unknown[];
    };
    assert.deepEqual(
      Object.keys(printed)
        .filter((k) => ['system', 'interfaces', 'arp', 'fdb', 'lldp'].includes(k))
        .sort(),
      ['arp', 'fdb', 'interfaces', 'lldp', 'system'],
    );
    const veth = printed.interfaces.find((i) => i.ifName === netns.innerIf);
    assert.ok(veth);
    assert.ok(printed.arp.some((a) => a.ip === '10.99.0.50' && a.mac === '52:54:00:cc:00:50' && a.ifIndex === veth.ifIndex));
    assert.ok(printed.arp.some((a) => a.ip === 'fd00:0099:0000:0000:0000:0000:0000:0051' && a.mac === '52:54:00:cc:00:51'));
    assertNoSecrets(io.out() + io.err());
  });

  test('without --json prints a short summary', async () => {
    const io = captureIO();
    io.env.PYTIN_SNMP_AUTH_KEY = V3_USER.authKey;
    io.env.PYTIN_SNMP_PRIV_KEY = V3_USER.privKey;
    assert.equal(
      await runCli(COMMANDS, ['observe', 'device', '--host', hostPort, '--user', V3_USER.name, '--auth-protocol', 'sha', '--priv-protocol', 'aes'], io),
      0,
      io.err(),
    );
    assert.match(io.out(), /interfaces \d+, ARP\/neighbours \d+ \(IPv4 \d+, IPv6 \d+\)/);
    assertNoSecrets(io.out() + io.err());
  });

  test('reaches an agent over IPv6 given as [ADDRESS]:PORT', async () => {
    const io = captureIO();
    const code = await runCli(COMMANDS, ['observe', 'device', '--host', `[${snmpd.host6}]:${snmpd.port}`, '--json'], withCommunity(io, COMMUNITY));
    assert.equal(code, 0, io.err());
    const printed = JSON.parse(io.out()) as { device: string; arp: { ip: string }[] };
    assert.equal(printed.device, `[${snmpd.host6}]:${snmpd.port}`);
    assert.ok(printed.arp.some((a) => a.ip === '10.99.0.50'));
  });

  test('a wrong community fails with a coded message after the timeout, exit 1, no stack', async () => {
    const io = captureIO();
    const started = Date.now();
    const code = await runCli(
      COMMANDS,
      ['observe', 'device', '--host', hostPort, '--timeout', '300', '--retries', '1', '--json'],
      withCommunity(io, 'wrong-community'),
    );
    const elapsed = Date.now() - started;
    assert.equal(code, 1);
    assert.match(io.err(), /error OBS_SNMP_TIMEOUT: .*no answer .*wrong community/);
    // It waited for both timeouts (a busy machine may take longer, never shorter).
    assert.ok(elapsed >= 600, `took ${elapsed} ms`);
    assert.equal(io.out(), '', 'no facts printed for an agent that never answered');
    assert.doesNotMatch(io.err(), /\n\s+at /);
  });

  test('a wrong SNMPv3 authentication password fails with a coded message, exit 1, no stack', async () => {
    const io = captureIO();
    io.env.PYTIN_SNMP_AUTH_KEY = 'wrong-auth-key';
    io.env.PYTIN_SNMP_PRIV_KEY = V3_USER.privKey;
    const code = await runCli(COMMANDS, ['observe', 'device', '--host', hostPort, '--user', V3_USER.name, '--timeout', '300', '--retries', '1'], io);
    assert.equal(code, 1);
    // snmpd reports a wrong digest (usmStatsWrongDigests), so this one does not wait for the timeout.
    assert.match(io.err(), /error OBS_SNMP_AUTH_FAILED: .*Wrong Digest/);
    assert.doesNotMatch(io.err(), /\n\s+at /);
    assertNoSecrets(io.out() + io.err());
  });

  test('an unreachable port fails after the timeout instead of hanging', async () => {
    const io = captureIO();
    const code = await runCli(
      COMMANDS,
      ['observe', 'device', '--host', `${snmpd.host}:1162`, '--timeout', '200', '--retries', '0'],
      withCommunity(io, COMMUNITY),
    );
    assert.equal(code, 1);
    assert.match(io.err(), /OBS_SNMP_TIMEOUT/);
  });

  test("attack on the machine's other users: a credential on the command line (visible in ps) is refused before anything is sent", async () => {
    for (const [flag, secret] of [
      ['--community', COMMUNITY],
      ['--auth-key', V3_USER.authKey],
      ['--priv-key', V3_USER.privKey],
    ] as const) {
      const io = captureIO();
      const args = ['observe', 'device', '--host', hostPort, ...(flag === '--community' ? [] : ['--user', V3_USER.name]), flag, secret];
      assert.equal(await runCli(COMMANDS, args, io), 1, flag);
      assert.match(io.err(), new RegExp(`${flag} would show the secret to every user of this machine`));
      assert.equal(io.out(), '');
      assertNoSecrets(io.out() + io.err());
    }
  });

  test('the community can come from a file or standard input instead of the environment', async (t) => {
    const dir = await makeTempDir('community');
    t.after(dir.remove);
    writeFileSync(join(dir.path, 'community'), `${COMMUNITY}\n`);
    const fromFile = captureIO();
    assert.equal(
      await runCli(COMMANDS, ['observe', 'device', '--host', hostPort, '--community-file', join(dir.path, 'community'), '--json'], fromFile),
      0,
      fromFile.err(),
    );
    const fromStdin = Object.assign(captureIO(), { stdin: () => `${COMMUNITY}\n` });
    assert.equal(await runCli(COMMANDS, ['observe', 'device', '--host', hostPort, '--community-file', '-', '--json'], fromStdin), 0, fromStdin.err());
    assertNoSecrets(fromFile.out() + fromFile.err() + fromStdin.out() + fromStdin.err());
  });
});
