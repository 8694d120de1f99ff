import { type CommandResult, shellQuote } from '../../../transports/command-runner.js';
import type { KvmCode } from '../kvm-codes.js';
import { describeBytes } from '../plan/disk-changes.js';
import type { DomainDiskSpec, DomainSpec } from '../plan/domain-spec.js';
import { checkedDiskTarget, checkedDomainName, checkedPool, checkedVolume } from './sink-values.js';
import { virshCommand } from './virsh-command.js';

export interface DiskGrowthFailure {
  code: KvmCode;
  message: string;
}

/** One disk as the host has it: its size now, and the command that grows it. */
interface DiskOnHost {
  disk: DomainDiskSpec;
  currentBytes: number;
  resize: string;
}

type Run = (command: string) => Promise<CommandResult>;

function failed(message: string): DiskGrowthFailure {
  return { code: 'APPLY_KVM_COMMAND_FAILED', message };
}

/** `qemu-img info --output=json` gives the image's virtual size in bytes. */
function virtualSizeOf(stdout: string): number | null {
  try {
    const size = (JSON.parse(stdout) as { 'virtual-size'?: unknown })['virtual-size'];
    return typeof size === 'number' && Number.isSafeInteger(size) ? size : null;
  } catch {
    return null;
  }
}

/** The size is read from the volume's file in both cases (`-U` while qemu holds it open: reading
 * the header needs no lock). The growth goes through libvirt while the domain runs (`blockresize`:
 * qemu resizes the image it has open and the guest sees the new size at once), and through
 * qemu-img on the file while it is shut off (nothing has it open). */
async function diskOnHost(run: Run, spec: DomainSpec, disk: DomainDiskSpec, running: boolean): Promise<DiskOnHost | DiskGrowthFailure> {
  const located = await run(virshCommand(spec.uri, ['vol-path', '--pool', checkedPool(disk.pool), checkedVolume(disk.volume)]));
  const path = located.stdout.trim();
  // An absolute path of one line: anything else would be read by qemu-img as an option or a URL.
  if (located.exitCode !== 0 || !/^\/[^\n\0]*$/.test(path))
    return failed(`cannot find the file of volume ${disk.pool}/${disk.volume}: ${located.stderr.trim() || JSON.stringify(path)}`);
  // `-f qcow2`: pytin's volumes are qcow2; the format is never guessed from the file's content.
  const info = await run(`qemu-img info --output=json -f qcow2 ${running ? '-U ' : ''}${shellQuote(path)}`);
  const currentBytes = info.exitCode === 0 ? virtualSizeOf(info.stdout) : null;
  if (currentBytes === null) return failed(`cannot read the size of ${path} (disk ${disk.name}): ${info.stderr.trim() || 'no virtual-size'}`);
  const resize = running
    ? virshCommand(spec.uri, ['blockresize', checkedDomainName(spec.name), checkedDiskTarget(disk.target), `${disk.sizeBytes}B`])
    : `qemu-img resize -f qcow2 ${shellQuote(path)} ${disk.sizeBytes}`;
  return { disk, currentBytes, resize };
}

/** Grows every disk of `spec` that is smaller on the host than git says, to git's size. Sizes are
 * read from the host first, never taken from the plan: a disk already at its size is left alone
 * (a repeated apply changes nothing), and one larger on the host than in git (grown by hand) stops
 * the change before any disk is touched, since the only way to git's size would be a shrink.
 * Returns the first failure, or null. */
export async function growDisks(run: Run, spec: DomainSpec, running: boolean): Promise<DiskGrowthFailure | null> {
  // Every value that lands on a command line is checked before the first command runs.
  checkedDomainName(spec.name);
  for (const disk of spec.disks) {
    checkedDiskTarget(disk.target);
    checkedPool(disk.pool);
    checkedVolume(disk.volume);
  }
  const disks: DiskOnHost[] = [];
  for (const disk of spec.disks) {
    const found = await diskOnHost(run, spec, disk, running);
    if ('code' in found) return found;
    disks.push(found);
  }
  const larger = disks.filter((d) => d.currentBytes > d.disk.sizeBytes);
  if (larger.length > 0) {
    return {
      code: 'APPLY_KVM_DISK_LARGER_ON_HOST',
      message: `${larger.map((d) => `disk ${d.disk.name} of ${spec.name} is ${describeBytes(d.currentBytes)} on ${spec.hypervisor}, git says ${describeBytes(d.disk.sizeBytes)}`).join('; ')}: pytin never shrinks a disk; no disk was resized`,
    };
  }
  for (const d of disks.filter((x) => x.currentBytes < x.disk.sizeBytes)) {
    const result = await run(d.resize);
    if (result.exitCode !== 0) return failed(`growing disk ${d.disk.name} of ${spec.name} failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  }
  return null;
}
