import type { DomainSpec } from './domain-spec.js';
import type { ObservedDisk, ObservedDomain } from './observed-domain.js';

/** A disk kept by a change (same position, pool and volume) whose size differs from pytin's
 * record of what it applied. */
export interface DiskResize {
  /** The disk's index in the VM's `disks` (where its size was written). */
  index: number;
  name: string;
  fromBytes: number;
  toBytes: number;
}

export function describeBytes(bytes: number): string {
  const units: Array<[number, string]> = [
    [1024 ** 4, 'TiB'],
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
  ];
  for (const [size, unit] of units) if (bytes % size === 0) return `${bytes / size} ${unit}`;
  return `${bytes} bytes`;
}

/** Why the disks differ so that only a replace converges, or null when the same volumes sit at the
 * same positions on the same buses. A bus change renames the guest's devices and needs another
 * controller; adding or removing a disk shifts targets; another volume is another disk. A size
 * difference alone is not a replace: see diskResizes. */
export function diskReplaceReason(spec: DomainSpec, observed: ObservedDomain): string | null {
  if (spec.disks.length !== observed.disks.length) return `${observed.disks.length} disk(s) on the host, ${spec.disks.length} in git`;
  for (const [i, disk] of spec.disks.entries()) {
    const seen = observed.disks[i]!;
    if (seen.pool !== disk.pool || seen.volume !== disk.volume)
      return `disk ${disk.name}: source ${seen.pool ?? ''}/${seen.volume ?? ''} on the host, ${disk.pool}/${disk.volume} in git`;
    if (seen.bus !== disk.bus) return `disk ${disk.name}: bus ${seen.bus ?? 'none'} on the host, ${disk.bus} in git`;
  }
  return null;
}

/** Size changes of the disks a change keeps. Growing is done in place (the volume is resized; the
 * guest grows its partition and filesystem); shrinking is never done: it cuts off whatever the
 * guest keeps at the end of the disk. A size pytin has no record of is not compared. */
export function diskResizes(spec: DomainSpec, observed: ObservedDomain): { grown: DiskResize[]; shrunk: DiskResize[] } {
  const grown: DiskResize[] = [];
  const shrunk: DiskResize[] = [];
  for (const [index, disk] of spec.disks.entries()) {
    const seen = observed.disks[index];
    if (!seen || seen.pool !== disk.pool || seen.volume !== disk.volume || seen.sizeBytes === null || seen.sizeBytes === disk.sizeBytes) continue;
    const resize = { index, name: disk.name, fromBytes: seen.sizeBytes, toBytes: disk.sizeBytes };
    (disk.sizeBytes > seen.sizeBytes ? grown : shrunk).push(resize);
  }
  return { grown, shrunk };
}

/** The note of a growth. Where pytin provisions no volumes (libvirt's test driver) it resizes none
 * either: only its record of the size changes, and the note says so. */
export function growNote(resize: DiskResize, provisionVolumes: boolean): string {
  const sizes = `from ${describeBytes(resize.fromBytes)} to ${describeBytes(resize.toBytes)}`;
  return provisionVolumes
    ? `disk ${resize.name} grows in place ${sizes} (virsh blockresize while running, qemu-img resize when shut off): the guest must grow its partition and filesystem`
    : `disk ${resize.name} grows ${sizes} in pytin's record only: pytin provisions no volumes on this host, so it resizes none`;
}

function describeDisk(disk: ObservedDisk): string {
  const where = disk.pool !== null ? `${disk.pool}/${disk.volume ?? ''}` : (disk.volume ?? 'no source');
  return `${disk.target ?? '?'} ${where} (${disk.sizeBytes === null ? 'size unknown' : describeBytes(disk.sizeBytes)})`;
}

/** What a destroying change does to the disks on the host, for the reviewer: which disks, their
 * sizes. On hosts where pytin provisions volumes it deletes them (their data is lost); elsewhere
 * (libvirt's test driver) it provisions none and deletes none. */
export function diskLossNote(disks: readonly ObservedDisk[], provisionVolumes: boolean): string {
  if (disks.length === 0) return 'destroys the domain (it has no disks)';
  const list = disks.map(describeDisk).join(', ');
  return provisionVolumes
    ? `destroys the domain and deletes its disks, their data lost: ${list}`
    : `destroys the domain; its disks are not deleted (pytin provisions no volumes on this host): ${list}`;
}
