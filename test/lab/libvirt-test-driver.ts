import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** libvirt's test driver preloaded from a node.xml: `virsh -c test:///PATH` sees these domains
 * (each virsh process starts from the file again; nothing is written back). */
export async function writeTestDriverNode(dir: string, domainsXml: readonly string[]): Promise<{ path: string; uri: string }> {
  const path = join(dir, 'node.xml');
  await writeFile(path, `<?xml version="1.0"?>\n<node>\n${domainsXml.join('\n')}\n</node>\n`);
  return { path, uri: `test://${path}` };
}

/** `<test:runstate>` values of libvirt's test driver (virDomainState). */
export const TEST_DRIVER_RUNSTATE = { running: 1, paused: 3, shutoff: 5 } as const;
