/** Records what libvirt itself prints for the lab's domains, for the KVM planner's tests:
 * `node dist/test/lab/record-kvm-dumpxml.js` (as root, the lab's packages installed).
 *
 * Each VM of examples/lab is defined on the lab's libvirtd (libvirt's test driver) from the XML
 * pytin generates, as apply does (`virsh define`, then `start`), and libvirt's
 * `virsh dumpxml` of the running domain is written to
 * test/reconciler/drivers/kvm/fixtures/dumpxml/<hypervisor>/<name>.xml; the test driver's own
 * `test` domain (made by libvirt, not by pytin) goes to foreign/test.xml. Libvirt normalises what it
 * is given (units, defaults, element order, a UUID), so tests fed with these files do not let a
 * mistake shared by pytin's generator and parser pass. */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { generateDomainXml } from '../../reconciler/drivers/kvm/xml/domain-xml.js';
import { labDomains } from '../reconciler/drivers/kvm/fixtures/lab-kvm.js';
import { PROJECT_ROOT } from '../support/lab-inventory.js';
import { makeTempDir } from './daemon.js';
import { startLabLibvirtd } from './libvirtd.js';

const run = promisify(execFile);
/** The owner commit the recorded domains carry (the planner tests' converged state uses it too). */
const COMMIT = 'c0ffee';
const OUT = join(PROJECT_ROOT, 'test', 'reconciler', 'drivers', 'kvm', 'fixtures', 'dumpxml');

async function virsh(uri: string, args: readonly string[]): Promise<string> {
  return (await run('/usr/bin/virsh', ['-c', uri, ...args])).stdout;
}

const libvirtd = await startLabLibvirtd();
const scratch = await makeTempDir('record-dumpxml');
try {
  const version = (await virsh(libvirtd.uri, ['version'])).trim().replace(/\n+/g, '; ');
  for (const [host, hypervisor] of labDomains().hypervisors) {
    await mkdir(join(OUT, host), { recursive: true });
    for (const spec of hypervisor.domains) {
      const definition = join(scratch.path, `${spec.name}.xml`);
      await writeFile(definition, generateDomainXml(spec, COMMIT));
      await virsh(libvirtd.uri, ['define', definition]);
      await virsh(libvirtd.uri, ['start', spec.name]);
      await writeFile(join(OUT, host, `${spec.name}.xml`), await virsh(libvirtd.uri, ['dumpxml', spec.name]));
    }
  }
  await mkdir(join(OUT, 'foreign'), { recursive: true });
  await writeFile(join(OUT, 'foreign', 'test.xml'), await virsh(libvirtd.uri, ['dumpxml', 'test']));
  process.stdout.write(`recorded into ${OUT} (${version})\n`);
} finally {
  await scratch.remove();
  await libvirtd.stop();
}
