import type { DomainDisk } from '../domain-facts.js';
import { everyDomainScript, markedSections } from '../every-domain.js';
import { parseDomainXml } from '../xml/parse-domain-xml.js';
import { parseXml } from '../xml/parse-xml.js';

/** A storage volume pytin is about to reuse or delete, with its file (libvirt's `vol-path`) when
 * the host has it: a domain may name the volume through its pool or through that file. */
export interface VolumeOnHost {
  pool: string;
  volume: string;
  path: string | null;
}

/** The disks of one domain on the host: those of its live definition and of its persistent one
 * (a disk added with `--config` to a running domain is only in the latter). */
export interface DomainDisks {
  name: string;
  disks: DomainDisk[];
}

/** One remote command listing both definitions of every domain of the host, in one virsh
 * connection (every-domain.ts). */
export function domainDisksScript(uri: string, marker: string): string {
  return everyDomainScript(uri, marker, ['dumpxml {uuid}', `echo ${marker} {uuid}`, 'dumpxml --inactive {uuid}']);
}

/** Reads the script's output: every domain with the disks of both its definitions. Throws on a
 * definition that is not a domain: a volume check that cannot see every disk must not pass. A
 * domain listed but gone before its definition was read (undefined meanwhile) uses nothing. */
export function parseDomainDisks(stdout: string, marker: string): DomainDisks[] {
  const byName = new Map<string, DomainDisk[]>();
  for (const { lines } of markedSections(stdout, marker)) {
    const start = lines.findIndex((l) => l.trimStart().startsWith('<domain'));
    if (start < 0) continue;
    const facts = parseDomainXml(parseXml(lines.slice(start).join('\n')), 'unknown');
    byName.set(facts.name, [...(byName.get(facts.name) ?? []), ...facts.disks]);
  }
  return [...byName].map(([name, disks]) => ({ name, disks }));
}

/** Whether a disk uses the volume: as a pool volume, or as the volume's file or device. */
export function diskUses(disk: DomainDisk, volume: VolumeOnHost): boolean {
  if (disk.source === null) return false;
  if (disk.type === 'volume') return disk.source === `${volume.pool}/${volume.volume}`;
  return volume.path !== null && disk.source === volume.path;
}

/** The domains other than `except` whose disks use the volume, by name order. */
export function usersOf(volume: VolumeOnHost, domains: readonly DomainDisks[], except: string | null): string[] {
  return domains
    .filter((d) => d.name !== except && d.disks.some((disk) => diskUses(disk, volume)))
    .map((d) => d.name)
    .sort();
}
