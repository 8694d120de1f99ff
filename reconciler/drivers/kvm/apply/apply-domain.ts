import { randomBytes, randomUUID } from 'node:crypto';

import { assertNever, InternalError } from '../../../../inventory/core/errors.js';
import type { JsonValue } from '../../../../inventory/core/json-value.js';
import { volumeNameOf } from '../../../../inventory/model/derived-names.js';
import { isStoragePoolName } from '../../../../schemas/formats/device-names.js';
import type { Change } from '../../../plan/change.js';
import { type CommandResult, type CommandRunner, shellQuote } from '../../../transports/command-runner.js';
import { runSteps } from '../../../transports/command-steps.js';
import { type ApplyContext, type ApplyOutcome, failedOutcome, hostRunner } from '../../driver.js';
import type { DomainFacts } from '../domain-facts.js';
import type { KvmCode } from '../kvm-codes.js';
import { ownershipFor, ownershipXml, PYTIN_METADATA_KEY, readOwnership } from '../ownership.js';
import { type DomainSpec, domainSpecFromJson } from '../plan/domain-spec.js';
import { type HostStrategy, strategyForUri } from '../plan/install-strategy.js';
import { generateDomainXml } from '../xml/domain-xml.js';
import { parseDomainState, parseDomainXml, PYTIN_NAMESPACE } from '../xml/parse-domain-xml.js';
import { parseXml } from '../xml/parse-xml.js';
import { growDisks } from './grow-disks.js';
import { checkedDomainName, checkedPool, checkedUri, checkedVolume } from './sink-values.js';
import { domiftuneRate, isDomainMissing, isVolumeMissing, virshCommand, virshCommands } from './virsh-command.js';
import { runVirshLine, type VirshLineCommand } from './virsh-line.js';
import { KICKSTART_DIR, kickstartPathOnHost, shellCommand, virtInstallArgv } from './virt-install.js';
import { domainDisksScript, parseDomainDisks, usersOf, type VolumeOnHost } from './volume-users.js';

const COMMAND_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 600_000;
const STATE_MARK = 'pytin-domstate-end';

/** A step that failed: stops the change; the outcome says which code and why. */
class ApplyStop extends Error {
  constructor(
    readonly code: KvmCode,
    message: string,
  ) {
    super(message);
  }
}

interface Observed {
  /** Live definition (what observe-domains sees). */
  facts: DomainFacts;
}

/** One command of a change, for `HostSession.steps`: `failure` is the message when it fails. */
interface SessionStep {
  command: string;
  readsStdin?: boolean;
  /** What the change says when this step fails (then the steps after it do not run). */
  failure: string;
}

/** The commands of one change on one host, with a transcript for the outcome's `output`. */
class HostSession {
  readonly transcript: string[] = [];
  /** The domain as the session's most recent command read it: valid only until the next command
   * runs (which may change it), so a read right after another adds no round trip. */
  private lastRead: { name: string; inactive: boolean; observed: Observed | null } | undefined;

  constructor(
    private readonly runner: CommandRunner,
    readonly uri: string,
  ) {}

  get host(): string {
    return this.runner.host;
  }

  /** Runs a command and records it. `readsOtherDomains`: its standard output (other domains'
   * definitions) stays out of the transcript, which is the change's output: only errors go in. */
  async sh(command: string, options: { stdin?: string; timeoutMs?: number; readsOtherDomains?: boolean } = {}): Promise<CommandResult> {
    this.lastRead = undefined;
    const result = await this.runner.run(command, {
      timeoutMs: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    });
    this.record(command, result, options);
    return result;
  }

  private record(command: string, result: CommandResult, options: { stdin?: string; readsOtherDomains?: boolean }): void {
    const out = `${options.readsOtherDomains ? '' : result.stdout}${result.stderr}`.trim();
    this.transcript.push(
      `$ ${command}${options.stdin !== undefined ? ' <<(stdin)' : ''}${out ? `\n${out}` : ''}${result.exitCode === 0 ? '' : `\n[exit ${result.exitCode ?? result.signal}]`}`,
    );
  }

  /** Runs the steps in one round trip (runSteps), stopping the change at the first that fails
   * with that step's `failure` and its own error output; then `readAfter` (a read of the domain,
   * its result kept as `lastRead`) in the same round trip. The transcript shows each step that
   * ran as if it had run alone. */
  async steps(steps: readonly SessionStep[], options: { stdin?: string; readAfter?: string } = {}): Promise<Observed | null | undefined> {
    this.lastRead = undefined;
    const all = [...steps, ...(options.readAfter !== undefined ? [{ command: this.readCommand(options.readAfter, false), failure: '' }] : [])];
    const results = await runSteps(this.runner, all, {
      timeoutMs: COMMAND_TIMEOUT_MS,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    });
    for (const [index, step] of all.entries()) {
      const result = results[index];
      if (!result) break;
      this.record(step.command, result, step.readsStdin && options.stdin !== undefined ? { stdin: options.stdin } : {});
      if (index < steps.length && result.exitCode !== 0)
        throw new ApplyStop(
          'APPLY_KVM_COMMAND_FAILED',
          `${step.failure} on ${this.runner.host}: ${result.stderr.trim() || `exit ${result.exitCode ?? result.signal}`}`,
        );
    }
    if (options.readAfter === undefined) return undefined;
    try {
      const observed = this.parseRead(options.readAfter, results.at(-1)!);
      this.lastRead = { name: options.readAfter, inactive: false, observed };
      return observed;
    } catch (error) {
      // The steps succeeded; a read that did not is not their failure. A later read asks again.
      if (error instanceof ApplyStop) return undefined;
      throw error;
    }
  }

  async virsh(args: readonly string[], options: { stdin?: string } = {}): Promise<CommandResult> {
    return this.sh(virshCommand(this.uri, args), options);
  }

  /** Runs virsh and stops the change if it fails. */
  async must(args: readonly string[], options: { stdin?: string } = {}): Promise<CommandResult> {
    const result = await this.virsh(args, options);
    if (result.exitCode !== 0)
      throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `virsh ${args[0]} failed on ${this.runner.host}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    return result;
  }

  /** A `must` step for `steps`: the same command and the same failure message. */
  virshStep(args: readonly string[], options: { readsStdin?: boolean } = {}): SessionStep {
    return { command: virshCommand(this.uri, args), failure: `virsh ${args[0]} failed`, ...(options.readsStdin ? { readsStdin: true } : {}) };
  }

  /** The domain as the host has it now (live definition), or null when it does not exist. One
   * virsh connection, so state and definition come from the same moment as far as virsh allows. When
   * the session's previous command read the same thing, that answer is returned (nothing ran
   * since). */
  async read(name: string, inactive = false): Promise<Observed | null> {
    const known = this.lastRead;
    if (known && known.name === name && known.inactive === inactive) return known.observed;
    const observed = this.parseRead(name, await this.sh(this.readCommand(name, inactive)));
    this.lastRead = { name, inactive, observed };
    return observed;
  }

  /** State and definition from one virsh process (one connection). When the domain is missing,
   * both commands fail and so does the line: virsh's status is the last command's. */
  private readCommand(name: string, inactive: boolean): string {
    return virshCommands(this.uri, [
      ['domstate', name],
      ['echo', STATE_MARK],
      ['dumpxml', ...(inactive ? ['--inactive'] : []), name],
    ]);
  }

  private parseRead(name: string, result: CommandResult): Observed | null {
    const at = result.stdout.indexOf(STATE_MARK);
    return this.parseReadParts(name, {
      failed: result.exitCode !== 0,
      stderr: result.stderr,
      state: result.stdout.slice(0, at),
      xml: result.stdout.slice(at + STATE_MARK.length),
    });
  }

  /** A read's answer: `failed` is dumpxml's status (the last command of the read's line). */
  private parseReadParts(name: string, read: { failed: boolean; stderr: string; state: string; xml: string }): Observed | null {
    if (read.failed) {
      if (isDomainMissing(read.stderr)) return null;
      throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot read domain ${name} on ${this.runner.host}: ${read.stderr.trim()}`);
    }
    try {
      return { facts: parseDomainXml(parseXml(read.xml.trim()), parseDomainState(read.state)) };
    } catch (error) {
      throw new ApplyStop('APPLY_KVM_UNREADABLE', `the definition of ${name} on ${this.runner.host} could not be read: ${(error as Error).message}`);
    }
  }

  /**
   * Defines the domain from pytin's XML (through stdin, never on a command line) under a fresh
   * UUID, starts the domain with THAT UUID, and reads the name back: one virsh process (one
   * connection) in one round trip. virsh runs every command of its line even after one fails
   * (runVirshLine), and the fresh UUID is what makes that safe: libvirt refuses to define a name
   * that a domain with another UUID already has (so a define never replaces anything), and the
   * start finds nothing when the define did not happen — it can only ever start the domain this
   * define made. What happened is read from the host, not from virsh's messages: the name read
   * back with this UUID, running, is success; no such domain is the define's failure; the name
   * with another UUID is a domain that was already there (returned: the caller converges it or
   * refuses it, as when a read had found it first). Each command is in the transcript as if it
   * had run alone.
   */
  async defineAndStart(spec: DomainSpec, commit: string | null): Promise<Observed | undefined> {
    this.lastRead = undefined;
    const uuid = randomUUID();
    const xml = generateDomainXml(spec, commit, { uuid });
    const name = spec.name;
    const line = await runVirshLine(
      this.runner,
      this.uri,
      [
        ['define', '/dev/stdin'],
        ['start', uuid],
        ['domstate', name],
        ['dumpxml', name],
      ],
      { stdin: xml, timeoutMs: COMMAND_TIMEOUT_MS },
    );
    const [define, start, domstate, dumpxml] = line.commands as [VirshLineCommand, VirshLineCommand, VirshLineCommand, VirshLineCommand];
    for (const command of line.commands) {
      // A command virsh reported as failed is shown with the status it has when run alone.
      this.record(
        virshCommand(this.uri, command.args),
        { exitCode: command.reportedError ? 1 : 0, signal: null, stdout: command.stdout, stderr: command.stderr },
        command === define ? { stdin: xml } : {},
      );
    }
    const failure = (step: VirshLineCommand, otherwise: string) =>
      new ApplyStop('APPLY_KVM_COMMAND_FAILED', `virsh ${step.args[0]} failed on ${this.runner.host}: ${step.stderr.trim() || otherwise}`);
    let observed: Observed | null;
    try {
      // The line's status is its last command's: dumpxml's.
      observed = this.parseReadParts(name, { failed: line.exitCode !== 0, stderr: dumpxml.stderr, state: domstate.stdout, xml: dumpxml.stdout });
    } catch (error) {
      // Nothing readable came back (virsh could not connect: its error is the define's).
      if (error instanceof ApplyStop && define.reportedError) throw failure(define, '');
      throw error;
    }
    this.lastRead = { name, inactive: false, observed };
    if (observed === null) throw failure(define, 'no domain was defined');
    if (observed.facts.uuid?.toLowerCase() !== uuid) return observed;
    if (!isRunning(observed.facts)) throw failure(start, `domain ${name} is ${observed.facts.state}`);
    return undefined;
  }
}

/** A volume as the host has it: its file (for disks that name it by path), or null when the host
 * has no such volume. */
async function volumeOnHost(session: HostSession, pool: string, volume: string): Promise<VolumeOnHost | null> {
  const result = await session.virsh(['vol-path', '--pool', checkedPool(pool), checkedVolume(volume)]);
  if (result.exitCode === 0) return { pool, volume, path: result.stdout.trim() || null };
  if (isVolumeMissing(result.stderr)) return null;
  throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot check volume ${pool}/${volume}: ${result.stderr.trim()}`);
}

/** Stops the change when a domain other than `except` uses one of the volumes (its live or
 * persistent definition names the pool volume or its file). Read from the host right before
 * pytin reuses or deletes a volume, never taken from the plan: volume names are per VM, but a
 * domain pytin does not own (or a hand-made definition) can still point at one. */
async function refuseVolumesInUse(session: HostSession, volumes: readonly VolumeOnHost[], except: string | null, consequence: string): Promise<void> {
  if (volumes.length === 0) return;
  const marker = `pytin-disks-${randomBytes(8).toString('hex')}`;
  const result = await session.sh(domainDisksScript(session.uri, marker), { readsOtherDomains: true });
  if (result.exitCode !== 0)
    throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot list the disks of the domains on ${session.host}: ${result.stderr.trim()}`);
  let domains;
  try {
    domains = parseDomainDisks(result.stdout, marker);
  } catch (error) {
    throw new ApplyStop('APPLY_KVM_UNREADABLE', `the disks of the domains on ${session.host} could not be read: ${(error as Error).message}`);
  }
  const used = volumes.map((v) => ({ volume: v, users: usersOf(v, domains, except) })).filter((u) => u.users.length > 0);
  if (used.length > 0) {
    throw new ApplyStop(
      'APPLY_KVM_VOLUME_IN_USE',
      `${used.map((u) => `volume ${u.volume.pool}/${u.volume.volume} is used by domain ${u.users.join(', ')}`).join('; ')} on ${session.host}; ${consequence}`,
    );
  }
}

function factsJson(facts: DomainFacts | null): JsonValue {
  return facts === null ? null : (JSON.parse(JSON.stringify(facts)) as JsonValue);
}

function requireOwned(observed: Observed, address: string, host: string): void {
  const ownership = readOwnership(observed.facts.pytin);
  if (!ownership || ownership.address !== address) {
    throw new ApplyStop(
      'APPLY_KVM_NOT_OWNED',
      `domain ${observed.facts.name} on ${host} is ${ownership ? `owned by pytin for ${ownership.address}` : 'not owned by pytin'}; not changed`,
    );
  }
}

function isRunning(facts: DomainFacts): boolean {
  return facts.state !== 'shut-off';
}

async function setMetadata(session: HostSession, spec: DomainSpec, commit: string | null, running: boolean): Promise<void> {
  const xml = ownershipXml(ownershipFor(spec, commit), { prefixed: false });
  await session.must(['metadata', spec.name, PYTIN_NAMESPACE, '--key', PYTIN_METADATA_KEY, '--set', xml, '--config', ...(running ? ['--live'] : [])]);
}

/** Limits on every NIC, in the config and (running) live. libvirt refuses --live and --config
 * together for domiftune on some drivers (the test driver), so they are two calls. */
async function setLimits(session: HostSession, spec: DomainSpec, running: boolean): Promise<void> {
  for (const nic of spec.interfaces) {
    for (const scope of running ? ['--config', '--live'] : ['--config']) {
      await session.must(['domiftune', spec.name, nic.mac, scope, '--inbound', domiftuneRate(nic.inbound), '--outbound', domiftuneRate(nic.outbound)]);
    }
  }
}

/** vCPU and memory in the config only (they take effect at the next boot: the plan says so).
 * Ordered so the current value never exceeds the maximum in between. */
async function setSizing(session: HostSession, spec: DomainSpec, config: DomainFacts, fields: readonly string[]): Promise<void> {
  if (fields.includes('vcpus') && config.vcpu !== spec.vcpus) {
    const steps = [['--maximum'], []].map((extra) => ['setvcpus', spec.name, String(spec.vcpus), '--config', ...extra]);
    for (const step of (config.vcpu ?? 0) < spec.vcpus ? steps : steps.reverse()) await session.must(step);
  }
  // Both the allocation and what the guest is given (a `setmem` by hand lowers only the latter).
  if (fields.includes('memoryKiB') && (config.memoryKiB !== spec.memoryKiB || (config.currentMemoryKiB ?? config.memoryKiB) !== spec.memoryKiB)) {
    const size = `${spec.memoryKiB}KiB`;
    const steps = [
      ['setmaxmem', spec.name, size, '--config'],
      ['setmem', spec.name, size, '--config'],
    ];
    for (const step of (config.memoryKiB ?? 0) < spec.memoryKiB ? steps : steps.reverse()) await session.must(step);
  }
}

/** Creates the VM's volumes. A volume already there was left by an earlier, interrupted create of
 * this VM (names are per VM) and is reused, but only when no domain uses it: the VM's own domain
 * does not exist yet, so any user is another domain, whose disk pytin would otherwise share. All
 * volumes are checked before any is created: a refused create changes nothing. */
async function provisionVolumes(session: HostSession, spec: DomainSpec): Promise<void> {
  const existing: VolumeOnHost[] = [];
  const missing: DomainSpec['disks'] = [];
  for (const disk of spec.disks) {
    const volume = await volumeOnHost(session, disk.pool, disk.volume);
    if (volume) existing.push(volume);
    else missing.push(disk);
  }
  await refuseVolumesInUse(session, existing, null, `${spec.name} was not created and nothing was changed`);
  for (const disk of missing)
    await session.must(['vol-create-as', checkedPool(disk.pool), checkedVolume(disk.volume), String(disk.sizeBytes), '--format', 'qcow2']);
}

async function updateInPlace(session: HostSession, spec: DomainSpec, fields: readonly string[], commit: string | null): Promise<void> {
  const current = await session.read(spec.name);
  if (!current) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `domain ${spec.name} is gone from ${spec.hypervisor}; plan again`);
  requireOwned(current, spec.address, spec.hypervisor);
  const config = await session.read(spec.name, true);
  const running = isRunning(current.facts);
  // Disks first: the step the host may refuse (a disk grown by hand past git), so a refusal leaves
  // the rest unchanged and pytin's record true. Resized only where pytin provisions volumes;
  // elsewhere (the test driver) it made none, and only its record of the size changes.
  if (fields.includes('disks') && spec.strategy.provisionVolumes) {
    const failure = await growDisks((command) => session.sh(command), spec, running);
    if (failure) throw new ApplyStop(failure.code, failure.message);
  }
  await setSizing(session, spec, (config ?? current).facts, fields);
  if (fields.includes('interfaces')) await setLimits(session, spec, running);
  await setMetadata(session, spec, commit, running);
}

/** An earlier apply got this far: the VM's domain exists. Only pytin's own domain for this very VM
 * counts; it is brought to the spec and started. */
async function converge(session: HostSession, spec: DomainSpec, existing: Observed, commit: string | null): Promise<void> {
  requireOwned(existing, spec.address, spec.hypervisor);
  await updateInPlace(session, spec, ['vcpus', 'memoryKiB', 'interfaces'], commit);
  if (!isRunning(existing.facts)) await session.must(['start', spec.name]);
}

/** A create. Where nothing is prepared on the host before the domain is defined (no volumes, no
 * installer: libvirt's test driver), it is ONE round trip: define + start + read back, the
 * define itself refusing a name already taken (HostSession.defineAndStart). Elsewhere the domain is
 * read first: volumes and kickstarts are made only for a VM whose domain does not exist yet. */
async function create(session: HostSession, spec: DomainSpec, commit: string | null): Promise<void> {
  let install: DomainSpec['install'];
  switch (spec.strategy.install) {
    case 'virt-install':
      install = spec.install; // none: an empty guest, defined like on define hosts
      break;
    case 'define':
      install = null;
      break;
    default:
      assertNever(spec.strategy.install, 'install method');
  }
  if (spec.strategy.provisionVolumes || install) {
    const existing = await session.read(spec.name);
    if (existing) return converge(session, spec, existing, commit);
    if (spec.strategy.provisionVolumes) await provisionVolumes(session, spec);
    if (install) {
      const path = kickstartPathOnHost(spec.name);
      const write = await session.sh(`umask 077 && mkdir -p ${shellQuote(KICKSTART_DIR)} && cat > ${shellQuote(path)}`, { stdin: install.kickstart });
      if (write.exitCode !== 0) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot write ${path}: ${write.stderr.trim()}`);
      const installed = await session.sh(shellCommand(virtInstallArgv(spec, path)), { timeoutMs: INSTALL_TIMEOUT_MS });
      if (installed.exitCode !== 0) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `virt-install failed: ${installed.stderr.trim()}`);
      // virt-install cannot write pytin's metadata nor libvirt <bandwidth>: set them now. Its
      // memory is in MiB: a size that is not a whole MiB is set exactly in the config too.
      const domain = await session.read(spec.name);
      const running = domain ? isRunning(domain.facts) : false;
      const config = await session.read(spec.name, true);
      if (config) await setSizing(session, spec, config.facts, ['vcpus', 'memoryKiB']);
      await setMetadata(session, spec, commit, running);
      await setLimits(session, spec, running);
      return;
    }
  }
  // Define (pytin's XML: on define hosts, and for a VM without an install source), start, read back.
  const taken = await session.defineAndStart(spec, commit);
  if (taken) await converge(session, spec, taken, commit);
}

/** The volumes pytin's record on the domain says it provisioned, each checked to be one pytin
 * names for this VM (`<vm>-<disk>` in a pool): a record edited on the host to name another
 * volume is not acted on. */
function recordedVolumes(name: string, ownership: ReturnType<typeof readOwnership>, host: string): Array<{ pool: string; volume: string }> {
  const disks = ownership?.applied?.disks ?? [];
  for (const disk of disks) {
    if (disk.volume !== volumeNameOf(name, disk.name) || !isStoragePoolName(disk.pool)) {
      throw new ApplyStop(
        'APPLY_KVM_VOLUME_NOT_OWNED',
        `pytin's record on domain ${name} on ${host} names volume ${JSON.stringify(`${disk.pool}/${disk.volume}`)}, which is not a volume pytin makes for it; nothing was changed`,
      );
    }
  }
  return disks.map((d) => ({ pool: d.pool, volume: d.volume }));
}

/** Destroy and undefine, pytin's domains only: ownership is checked on the host right before,
 * not trusted from the plan. Volumes named in pytin's record are deleted on hosts where pytin
 * provisions them, and the kickstart on virt-install hosts. A volume another domain uses is
 * never deleted: checked before anything is destroyed (then nothing changes), and again right
 * before the volumes go. A domain already gone is success (idempotent). */
async function remove(session: HostSession, name: string, address: string, host: string, strategy: HostStrategy): Promise<void> {
  const existing = await session.read(name);
  if (!existing) return;
  requireOwned(existing, address, host);
  const ownership = readOwnership(existing.facts.pytin);
  const volumes: VolumeOnHost[] = [];
  if (strategy.provisionVolumes) {
    for (const v of recordedVolumes(name, ownership, host)) {
      const volume = await volumeOnHost(session, v.pool, v.volume);
      if (volume) volumes.push(volume);
    }
  }
  await refuseVolumesInUse(session, volumes, name, `${name} was not removed and nothing was changed`);
  // Destroy, undefine and (virt-install hosts) the kickstart, which holds the tenant's keys: one
  // round trip, read back in it too when no volume is left to delete.
  const kickstart = kickstartPathOnHost(name);
  await session.steps(
    [
      ...(isRunning(existing.facts) ? [session.virshStep(['destroy', name])] : []),
      session.virshStep(['undefine', name]),
      ...(strategy.install === 'virt-install' ? [{ command: `rm -f ${shellQuote(kickstart)}`, failure: `cannot remove ${kickstart}` }] : []),
    ],
    volumes.length === 0 ? { readAfter: name } : {},
  );
  await refuseVolumesInUse(session, volumes, name, `${name} was removed but its volumes were kept`);
  for (const volume of volumes) {
    const deleted = await session.virsh(['vol-delete', '--pool', checkedPool(volume.pool), checkedVolume(volume.volume)]);
    if (deleted.exitCode !== 0 && !isVolumeMissing(deleted.stderr))
      throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot delete volume ${volume.pool}/${volume.volume}: ${deleted.stderr.trim()}`);
  }
}

interface Target {
  name: string;
  address: string;
  host: string;
  uri: string;
  strategy: HostStrategy;
}

/** Where a change applies, from the change alone (apply never reads the inventory). */
function targetOf(change: Change): Target {
  const source = change.after ?? change.before;
  if (source === null || typeof source !== 'object' || Array.isArray(source))
    throw new InternalError(`${change.address}: a kvm change without before or after`);
  const { name, uri, hypervisor, strategy } = source;
  if (typeof name !== 'string' || typeof uri !== 'string' || typeof hypervisor !== 'string')
    throw new InternalError(`${change.address}: kvm change without name, uri or hypervisor`);
  const parsedStrategy: HostStrategy =
    strategy !== null && typeof strategy === 'object' && !Array.isArray(strategy) && (strategy.install === 'define' || strategy.install === 'virt-install')
      ? { install: strategy.install, provisionVolumes: strategy.provisionVolumes === true }
      : strategyForUri(uri);
  return { name: checkedDomainName(name), address: change.address, host: hypervisor, uri: checkedUri(uri), strategy: parsedStrategy };
}

/** Applies one planned KVM change over the hypervisor's CommandRunner (`virsh -c URI ...`).
 * Idempotent: every step first looks at the host (a create of an existing pytin domain for the
 * same VM converges to the spec; a delete of a missing domain succeeds). Never throws for a
 * failed command or a lost connection: the outcome says what failed, and carries the domain's
 * last known state, re-read with dumpxml (null: it does not exist) when the host still answers. */
export async function applyDomain(change: Change, context: ApplyContext): Promise<ApplyOutcome> {
  const target = targetOf(change);
  const session = new HostSession(hostRunner(context), target.uri);
  let error: { code: KvmCode; message: string } | undefined;
  try {
    switch (change.action) {
      case 'create':
        await create(session, domainSpecFromJson(change.after), context.commit);
        break;
      case 'update':
        await updateInPlace(session, domainSpecFromJson(change.after), change.fields ?? ['vcpus', 'memoryKiB', 'interfaces'], context.commit);
        break;
      case 'replace': {
        const spec = domainSpecFromJson(change.after);
        await remove(session, target.name, target.address, target.host, target.strategy);
        await create(session, spec, context.commit);
        break;
      }
      case 'delete':
        await remove(session, target.name, target.address, target.host, target.strategy);
        break;
      case 'no-op':
        break;
      default:
        assertNever(change.action, 'action');
    }
  } catch (caught) {
    if (caught instanceof InternalError) throw caught;
    error = caught instanceof ApplyStop ? { code: caught.code, message: caught.message } : { code: 'APPLY_KVM_TRANSPORT', message: (caught as Error).message };
  }
  let state: JsonValue | undefined;
  try {
    state = factsJson((await session.read(target.name))?.facts ?? null);
  } catch (caught) {
    if (caught instanceof InternalError) throw caught;
    // The host no longer answers: the last known state is unknown; the error says why.
    error ??= { code: 'APPLY_KVM_TRANSPORT', message: `could not re-read ${target.name}: ${(caught as Error).message}` };
  }
  const output = session.transcript.join('\n');
  if (error === undefined) return { ok: true, output, diagnostics: [], ...(state !== undefined ? { state } : {}) };
  return failedOutcome(change, error.code, error.message, output, state);
}
