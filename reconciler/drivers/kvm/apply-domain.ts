import { assertNever, InternalError } from '../../../inventory/core/errors.js';
import type { JsonValue } from '../../../inventory/core/json-value.js';
import type { Change } from '../../plan/change.js';
import type { DomainFacts } from './domain-facts.js';
import { parseDomainState, parseDomainXml, PYTIN_NAMESPACE } from './parse-domain-xml.js';
import { parseXml } from '../../observe/hosts/xml/parse-xml.js';
import type { CommandResult, CommandRunner } from '../../transports/command-runner.js';
import { failedOutcome, hostRunner, type ApplyContext, type ApplyOutcome } from '../driver.js';
import { domainSpecFromJson, type DomainSpec } from './domain-spec.js';
import { generateDomainXml } from './domain-xml.js';
import { strategyForUri, type HostStrategy } from './install-strategy.js';
import type { KvmCode } from './kvm-codes.js';
import { ownershipFor, ownershipXml, PYTIN_METADATA_KEY, readOwnership } from './ownership.js';
import { domiftuneRate, isDomainMissing, isVolumeMissing, virshCommand } from './virsh-command.js';
import { kickstartPathOnHost, shellCommand, virtInstallArgv } from './virt-install.js';

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

/** The commands of one change on one host, with a transcript for the outcome's `output`. */
class HostSession {
  readonly transcript: string[] = [];

  constructor(
    private readonly runner: CommandRunner,
    readonly uri: string,
  ) {}

  async sh(command: string, options: { stdin?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
    const result = await this.runner.run(command, { timeoutMs: options.timeoutMs ?? COMMAND_TIMEOUT_MS, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) });
    const out = `${result.stdout}${result.stderr}`.trim();
    this.transcript.push(`$ ${command}${options.stdin !== undefined ? ' <<(stdin)' : ''}${out ? `\n${out}` : ''}${result.exitCode === 0 ? '' : `\n[exit ${result.exitCode ?? result.signal}]`}`);
    return result;
  }

  async virsh(args: readonly string[], options: { stdin?: string } = {}): Promise<CommandResult> {
    return this.sh(virshCommand(this.uri, args), options);
  }

  /** Runs virsh and stops the change if it fails. */
  async must(args: readonly string[], options: { stdin?: string } = {}): Promise<CommandResult> {
    const result = await this.virsh(args, options);
    if (result.exitCode !== 0) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `virsh ${args[0]} failed on ${this.runner.host}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    return result;
  }

  /** The domain as the host has it now (live definition), or null when it does not exist. One
   * shell line, so state and definition come from the same moment as far as virsh allows. */
  async read(name: string, inactive = false): Promise<Observed | null> {
    const state = virshCommand(this.uri, ['domstate', name]);
    const dump = virshCommand(this.uri, ['dumpxml', ...(inactive ? ['--inactive'] : []), name]);
    const result = await this.sh(`${state} && echo ${STATE_MARK} && ${dump}`);
    if (result.exitCode !== 0) {
      if (isDomainMissing(result.stderr)) return null;
      throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot read domain ${name} on ${this.runner.host}: ${result.stderr.trim()}`);
    }
    const at = result.stdout.indexOf(STATE_MARK);
    try {
      const facts = parseDomainXml(parseXml(result.stdout.slice(at + STATE_MARK.length).trim()), parseDomainState(result.stdout.slice(0, at)));
      return { facts };
    } catch (error) {
      throw new ApplyStop('APPLY_KVM_UNREADABLE', `the definition of ${name} on ${this.runner.host} could not be read: ${(error as Error).message}`);
    }
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
  if (fields.includes('memoryKiB') && config.memoryKiB !== spec.memoryKiB) {
    const size = `${spec.memoryKiB}KiB`;
    const steps = [['setmaxmem', spec.name, size, '--config'], ['setmem', spec.name, size, '--config']];
    for (const step of (config.memoryKiB ?? 0) < spec.memoryKiB ? steps : steps.reverse()) await session.must(step);
  }
}

async function provisionVolumes(session: HostSession, spec: DomainSpec): Promise<void> {
  for (const disk of spec.disks) {
    const info = await session.virsh(['vol-info', '--pool', disk.pool, disk.volume]);
    if (info.exitCode === 0) continue; // left by an earlier, interrupted create of this VM (names are per VM)
    if (!isVolumeMissing(info.stderr)) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot check volume ${disk.pool}/${disk.volume}: ${info.stderr.trim()}`);
    await session.must(['vol-create-as', disk.pool, disk.volume, String(disk.sizeBytes), '--format', 'qcow2']);
  }
}

async function updateInPlace(session: HostSession, spec: DomainSpec, fields: readonly string[], commit: string | null): Promise<void> {
  const current = await session.read(spec.name);
  if (!current) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `domain ${spec.name} is gone from ${spec.hypervisor}; plan again`);
  requireOwned(current, spec.address, spec.hypervisor);
  const config = await session.read(spec.name, true);
  const running = isRunning(current.facts);
  await setSizing(session, spec, (config ?? current).facts, fields);
  if (fields.includes('interfaces')) await setLimits(session, spec, running);
  await setMetadata(session, spec, commit, running);
}

async function create(session: HostSession, spec: DomainSpec, commit: string | null): Promise<void> {
  const existing = await session.read(spec.name);
  if (existing) {
    // Converge: an earlier apply got this far. Only pytin's own domain for this very VM counts.
    requireOwned(existing, spec.address, spec.hypervisor);
    await updateInPlace(session, spec, ['vcpus', 'memoryKiB', 'interfaces'], commit);
    if (!isRunning(existing.facts)) await session.must(['start', spec.name]);
    return;
  }
  if (spec.strategy.provisionVolumes) await provisionVolumes(session, spec);
  switch (spec.strategy.install) {
    case 'virt-install':
      if (spec.install) {
        const path = kickstartPathOnHost(spec.name);
        const write = await session.sh(`umask 077 && mkdir -p /var/lib/pytin/kickstart && cat > ${path}`, { stdin: spec.install.kickstart });
        if (write.exitCode !== 0) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot write ${path}: ${write.stderr.trim()}`);
        const install = await session.sh(shellCommand(virtInstallArgv(spec, path)), { timeoutMs: INSTALL_TIMEOUT_MS });
        if (install.exitCode !== 0) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `virt-install failed: ${install.stderr.trim()}`);
        // virt-install cannot write pytin's metadata nor libvirt <bandwidth>: set them now. Its
        // memory is in MiB: a size that is not a whole MiB is set exactly in the config too.
        const installed = await session.read(spec.name);
        const running = installed ? isRunning(installed.facts) : false;
        const config = await session.read(spec.name, true);
        if (config) await setSizing(session, spec, config.facts, ['vcpus', 'memoryKiB']);
        await setMetadata(session, spec, commit, running);
        await setLimits(session, spec, running);
        return;
      }
      break; // no install source: an empty guest, defined like on define hosts
    case 'define':
      break;
    default:
      assertNever(spec.strategy.install, 'install method');
  }
  await session.must(['define', '/dev/stdin'], { stdin: generateDomainXml(spec, commit) });
  await session.must(['start', spec.name]);
}

/** Destroy and undefine, pytin's domains only: ownership is checked on the host right before,
 * not trusted from the plan. Volumes named in pytin's record are deleted on hosts where pytin
 * provisions them, and the kickstart on virt-install hosts. A domain already gone is success
 * (idempotent). */
async function remove(session: HostSession, name: string, address: string, host: string, strategy: HostStrategy): Promise<void> {
  const existing = await session.read(name);
  if (!existing) return;
  requireOwned(existing, address, host);
  const ownership = readOwnership(existing.facts.pytin);
  if (isRunning(existing.facts)) await session.must(['destroy', name]);
  await session.must(['undefine', name]);
  if (strategy.install === 'virt-install') {
    // The kickstart holds the tenant's keys: it goes with the guest.
    const removed = await session.sh(`rm -f ${kickstartPathOnHost(name)}`);
    if (removed.exitCode !== 0) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot remove ${kickstartPathOnHost(name)}: ${removed.stderr.trim()}`);
  }
  if (!strategy.provisionVolumes) return;
  for (const disk of ownership?.applied?.disks ?? []) {
    const deleted = await session.virsh(['vol-delete', '--pool', disk.pool, disk.volume]);
    if (deleted.exitCode !== 0 && !isVolumeMissing(deleted.stderr)) throw new ApplyStop('APPLY_KVM_COMMAND_FAILED', `cannot delete volume ${disk.pool}/${disk.volume}: ${deleted.stderr.trim()}`);
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
  if (source === null || typeof source !== 'object' || Array.isArray(source)) throw new InternalError(`${change.address}: a kvm change without before or after`);
  const { name, uri, hypervisor, strategy } = source;
  if (typeof name !== 'string' || typeof uri !== 'string' || typeof hypervisor !== 'string') throw new InternalError(`${change.address}: kvm change without name, uri or hypervisor`);
  const parsedStrategy: HostStrategy =
    strategy !== null && typeof strategy === 'object' && !Array.isArray(strategy) && (strategy.install === 'define' || strategy.install === 'virt-install')
      ? { install: strategy.install, provisionVolumes: strategy.provisionVolumes === true }
      : strategyForUri(uri);
  return { name, address: change.address, host: hypervisor, uri, strategy: parsedStrategy };
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
