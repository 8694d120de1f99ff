// `npm run lab`: the lab of examples/lab, kept up until Ctrl-C, to try the daily loop against
// (README: "Ten minutes with the lab"). The inventory is a fresh git repository in the lab's
// folder with the daemons' ports written in; nothing in this checkout is touched. Needs root.
import { startLabEnvironment } from '../test/lab/lab-environment.js';
import { writeLabShellEnv } from '../test/lab/lab-shell-env.js';

if (process.getuid?.() !== 0) {
  process.stderr.write('The lab needs root (network namespaces, sshd, libvirtd): run `npm run lab` as root.\n');
  process.exit(1);
}
process.stdout.write('Starting the lab: 2 switches (snmpsim, recorded real devices), 2 hypervisors (sshd + libvirt test driver), a backup node with tc ...\n');
let lab: Awaited<ReturnType<typeof startLabEnvironment>>;
try {
  lab = await startLabEnvironment();
} catch (error) {
  process.stderr.write(`The lab did not start: ${(error as Error).message}\n`);
  process.exit(1);
}
const envFile = await writeLabShellEnv(lab);
process.stdout.write(
  [
    '',
    `The lab is up. Its inventory is a git repository of its own: ${lab.repoDir}`,
    'In another shell:',
    '',
    `  source ${envFile}`,
    '',
    "which puts `pytin` on the PATH, exports the switches' communities and $LAB_HV01_URI / $LAB_HV02_URI",
    '(for virsh), and changes into the inventory. Then follow "Ten minutes with the lab" in README.md.',
    '',
    'Ctrl-C here stops every daemon of the lab and removes its folder.',
    '',
  ].join('\n'),
);
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping the lab ...\n`);
  lab.stop().then(
    () => process.stdout.write('The lab is stopped.\n'),
    (error: unknown) => {
      process.stderr.write(`Stopping the lab failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
