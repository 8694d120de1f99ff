import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { formatDiagnostic, hasErrors } from '../../../inventory/core/diagnostic.js';
import type { DeviceFacts } from '../../observe/snmp/device-facts.js';
import { FACT_SECTIONS } from '../../observe/snmp/device-facts.js';
import { observeDevice } from '../../observe/snmp/observe-device.js';
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS, type SnmpAuthProtocol, type SnmpPrivProtocol, type SnmpTarget } from '../../transports/snmp/snmp-target.js';
import { booleanOption, type Command, type CommandIO, integerOption, type ParsedCommandArgs, stringOption, UsageError } from '../command.js';
import { EXIT_ERROR, EXIT_OK } from '../exit-codes.js';

const DEFAULT_PORT = 161;
const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_RETRIES = 1;

/** `H`, `H:PORT`, `[V6]`, `[V6]:PORT`; a bare IPv6 literal (two colons or more) has no port. */
export function parseHostPort(text: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:\s]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) {
    if ((text.match(/:/g) ?? []).length >= 2 && /^[0-9a-fA-F:.]+$/.test(text)) return { host: text, port: DEFAULT_PORT };
    throw new UsageError(`--host must be HOST, HOST:PORT or [IPV6]:PORT, got "${text}"`);
  }
  const port = match[2] === undefined ? DEFAULT_PORT : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--host port must be 1-65535, got "${match[2]}"`);
  return { host: match[1] as string, port };
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase();
  const found = allowed.find((a) => a === lower);
  if (!found) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return found;
}

/** Where a credential of `observe device` comes from: never the command line, where every user
 * of the machine reads it in `ps` and the shell history keeps it. */
const CREDENTIALS = {
  community: { env: 'PYTIN_SNMP_COMMUNITY', file: 'community-file' },
  'auth-key': { env: 'PYTIN_SNMP_AUTH_KEY', file: 'auth-key-file' },
  'priv-key': { env: 'PYTIN_SNMP_PRIV_KEY', file: 'priv-key-file' },
} as const;
type Credential = keyof typeof CREDENTIALS;

/** A credential from its file option (`-`: the first line of standard input) or its environment
 * variable; undefined when neither is given. */
function credential(args: ParsedCommandArgs, io: Pick<CommandIO, 'env' | 'cwd' | 'stdin'>, name: Credential): string | undefined {
  if (stringOption(args, name) !== undefined) {
    throw new UsageError(
      `--${name} would show the secret to every user of this machine (ps, shell history): put it in ${CREDENTIALS[name].env} or a file given with --${CREDENTIALS[name].file}`,
    );
  }
  const file = stringOption(args, CREDENTIALS[name].file);
  if (file !== undefined) {
    let text: string;
    try {
      text = file === '-' ? (io.stdin?.() ?? readFileSync(0, 'utf8')) : readFileSync(resolve(io.cwd, file), 'utf8');
    } catch (error) {
      throw new UsageError(`--${CREDENTIALS[name].file} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    const first = text.split(/\r?\n/)[0] ?? '';
    if (first === '') throw new UsageError(`--${CREDENTIALS[name].file} ${file}: its first line is empty`);
    return first;
  }
  const value = io.env[CREDENTIALS[name].env];
  return value === undefined || value === '' ? undefined : value;
}

/** The target from the command line and the environment. Keys and communities are never taken
 * from arguments, nor echoed in messages. */
export function targetFromArgs(args: ParsedCommandArgs, io: Pick<CommandIO, 'env' | 'cwd' | 'stdin'> = { env: {}, cwd: process.cwd() }): SnmpTarget {
  const hostText = stringOption(args, 'host');
  if (hostText === undefined) throw new UsageError('--host is required');
  const { host, port } = parseHostPort(hostText);
  const timeoutMs = integerOption(args, 'timeout', 1) ?? DEFAULT_TIMEOUT_MS;
  const retries = integerOption(args, 'retries', 0) ?? DEFAULT_RETRIES;
  const maxRepetitions = integerOption(args, 'max-repetitions', 1);
  const base = { host, port, timeoutMs, retries, ...(maxRepetitions === undefined ? {} : { maxRepetitions }) };
  const user = stringOption(args, 'user');
  const community = credential(args, io, 'community');
  if (user === undefined) {
    if (community === undefined)
      throw new UsageError('give the SNMPv2c community in PYTIN_SNMP_COMMUNITY (or --community-file FILE), or --user U for SNMPv3 with PYTIN_SNMP_AUTH_KEY');
    return { ...base, version: '2c', community };
  }
  const authKey = credential(args, io, 'auth-key');
  const privKey = credential(args, io, 'priv-key');
  const authProtocolText = stringOption(args, 'auth-protocol');
  const privProtocolText = stringOption(args, 'priv-protocol');
  if (authKey === undefined && authProtocolText !== undefined)
    throw new UsageError('--auth-protocol needs an authentication key (PYTIN_SNMP_AUTH_KEY or --auth-key-file)');
  if (privKey === undefined && privProtocolText !== undefined)
    throw new UsageError('--priv-protocol needs a privacy key (PYTIN_SNMP_PRIV_KEY or --priv-key-file)');
  if (privKey !== undefined && authKey === undefined)
    throw new UsageError('a privacy key needs an authentication key (SNMPv3 has no privacy without authentication)');
  const target: SnmpTarget = { ...base, version: '3', user };
  if (authKey !== undefined) {
    const protocol: SnmpAuthProtocol = authProtocolText === undefined ? 'sha' : oneOf('auth-protocol', authProtocolText, SNMP_AUTH_PROTOCOLS);
    target.auth = { protocol, key: authKey };
  }
  if (privKey !== undefined) {
    const protocol: SnmpPrivProtocol = privProtocolText === undefined ? 'aes' : oneOf('priv-protocol', privProtocolText, SNMP_PRIV_PROTOCOLS);
    target.priv = { protocol, key: privKey };
  }
  return target;
}

function humanSummary(facts: DeviceFacts): string {
  const lines: string[] = [];
  const system = facts.system;
  lines.push(`${facts.device}  ${system?.sysName ?? '(no sysName)'}  ${system?.sysObjectID ?? ''}`.trimEnd());
  if (system?.sysDescr) lines.push(`  ${system.sysDescr.split(/[\r\n]/)[0]}`);
  const ipv4 = facts.arp.filter((a) => a.family === 'ipv4').length;
  const fdbTable = facts.fdb[0]?.table ?? 'none';
  lines.push(
    `  interfaces ${facts.interfaces.length}, ARP/neighbours ${facts.arp.length} (IPv4 ${ipv4}, IPv6 ${facts.arp.length - ipv4}), forwarding ${facts.fdb.length} (${fdbTable}), LLDP neighbours ${facts.lldp.length}`,
  );
  const incomplete = FACT_SECTIONS.filter((s) => facts.completeness[s] !== 'complete').map((s) => `${s} ${facts.completeness[s]}`);
  if (incomplete.length > 0) lines.push(`  INCOMPLETE: ${incomplete.join(', ')}`);
  if (facts.quirks && facts.quirks !== 'standard') lines.push(`  vendor quirks: ${facts.quirks}`);
  return lines.join('\n') + '\n';
}

export const observeDeviceCommand: Command = {
  name: 'observe device',
  summary: 'Walk one device over SNMP (no inventory) and print its interfaces, ARP, forwarding table and LLDP neighbours',
  synopsis:
    '--host H[:PORT] [--user U [--auth-protocol P] [--priv-protocol P]] [--community-file F | --auth-key-file F --priv-key-file F] [--timeout MS] [--retries N] [--json]',
  options: {
    host: { type: 'string', valueName: 'H[:PORT]', description: 'the agent, port 161 unless given; [IPV6]:PORT for IPv6' },
    'community-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'SNMPv2c community: the first line of FILE (- for standard input); default $PYTIN_SNMP_COMMUNITY',
    },
    user: { type: 'string', valueName: 'U', description: 'SNMPv3 user name' },
    'auth-protocol': { type: 'string', valueName: 'P', description: `SNMPv3 authentication: ${SNMP_AUTH_PROTOCOLS.join('|')} (default sha)` },
    'auth-key-file': { type: 'string', valueName: 'FILE', description: 'SNMPv3 authentication pass phrase from FILE; default $PYTIN_SNMP_AUTH_KEY' },
    'priv-protocol': { type: 'string', valueName: 'P', description: `SNMPv3 privacy: ${SNMP_PRIV_PROTOCOLS.join('|')} (default aes)` },
    'priv-key-file': { type: 'string', valueName: 'FILE', description: 'SNMPv3 privacy pass phrase from FILE; default $PYTIN_SNMP_PRIV_KEY' },
    // Refused with a reason: a credential in argv is readable by every user of the machine.
    community: { type: 'string', valueName: 'C', description: 'refused: put the community in PYTIN_SNMP_COMMUNITY or --community-file' },
    'auth-key': { type: 'string', valueName: 'K', description: 'refused: use PYTIN_SNMP_AUTH_KEY or --auth-key-file' },
    'priv-key': { type: 'string', valueName: 'K', description: 'refused: use PYTIN_SNMP_PRIV_KEY or --priv-key-file' },
    timeout: { type: 'string', valueName: 'MS', description: `wait per request before retrying (default ${DEFAULT_TIMEOUT_MS})` },
    retries: { type: 'string', valueName: 'N', description: `retries after a timeout (default ${DEFAULT_RETRIES})` },
    'max-repetitions': { type: 'string', valueName: 'N', description: 'rows per GetBulk (default 50)' },
    json: { type: 'boolean', description: 'print {system, interfaces, arp, fdb, lldp, completeness, diagnostics} as JSON' },
  },
  async run(args, io) {
    const target = targetFromArgs(args, io);
    const facts = await observeDevice(target);
    for (const diagnostic of facts.diagnostics) io.stderr.write(`pytin: ${formatDiagnostic(diagnostic)}\n`);
    // Nothing at all was read (unreachable, refused credentials): no facts to print.
    const nothingRead = facts.completeness.system !== 'complete' && FACT_SECTIONS.every((s) => s === 'system' || facts.completeness[s] === 'not-walked');
    if (!nothingRead) {
      if (booleanOption(args, 'json')) {
        const { system, interfaces, arp, fdb, lldp, completeness, diagnostics, device, observedAt } = facts;
        io.stdout.write(`${JSON.stringify({ device, observedAt, system, interfaces, arp, fdb, lldp, completeness, diagnostics }, null, 2)}\n`);
      } else {
        io.stdout.write(humanSummary(facts));
      }
    }
    return hasErrors(facts.diagnostics) ? EXIT_ERROR : EXIT_OK;
  },
};
