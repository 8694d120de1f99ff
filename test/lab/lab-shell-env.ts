import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { LabEnvironment } from './lab-environment.js';

/** Single-quotes a value for sh (the lab's own paths and URIs; no user input reaches here). */
const shQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** Writes `<lab>/lab.env`, the file a shell sources to use a running lab (`npm run lab` prints its
 * path; the README walkthrough's test sources the same file): `pytin` on the PATH (the lab's
 * wrapper of this checkout's build), the switches' communities, each hypervisor's libvirt URI as
 * `LAB_HV01_URI`/`LAB_HV02_URI` for virsh, and a `cd` into the lab's inventory repository. */
export async function writeLabShellEnv(lab: LabEnvironment): Promise<string> {
  const vars: Array<[string, string]> = [
    ['PATH', `${join(lab.dir, 'bin')}:$PATH`],
    ...Object.entries(lab.env).map(([name, value]): [string, string] => [name, shQuote(String(value))]),
    ['LAB_HV01_URI', shQuote(lab.libvirtd['hv-01'].uri)],
    ['LAB_HV02_URI', shQuote(lab.libvirtd['hv-02'].uri)],
  ];
  const lines = [
    '# pytin lab: source this file in a shell to use the running lab',
    ...vars.map(([name, value]) => `export ${name}=${name === 'PATH' ? `"${value}"` : value}`),
    `cd ${shQuote(lab.repoDir)}`,
    '',
  ];
  const file = join(lab.dir, 'lab.env');
  await writeFile(file, lines.join('\n'), { mode: 0o600 });
  return file;
}
