import assert from 'node:assert/strict';
import { test } from 'node:test';

import { InternalError } from '../../../../inventory/core/errors.js';
import { growDisks } from '../../../../reconciler/drivers/kvm/apply/grow-disks.js';
import type { CommandResult } from '../../../../reconciler/transports/command-runner.js';
import { labDomains, specOf } from './fixtures/lab-kvm.js';

// A change comes back from a saved plan file: values in it that would land on a command line
// are checked again where they land, before anything runs on the hypervisor.

test('a disk target, pool or volume forged into a saved change runs nothing on the host', async () => {
  const spec = specOf(labDomains(), 'acme-db-01');
  const forged = [
    { ...spec.disks[0]!, target: 'vda; reboot' },
    { ...spec.disks[0]!, pool: 'default --pool x' },
    { ...spec.disks[0]!, volume: '../../etc/passwd' },
  ];
  for (const disk of forged) {
    const ran: string[] = [];
    const run = (command: string): Promise<CommandResult> => {
      ran.push(command);
      return Promise.resolve({ exitCode: 0, signal: null, stdout: '', stderr: '' });
    };
    await assert.rejects(growDisks(run, { ...spec, disks: [disk] }, true), InternalError);
    assert.deepEqual(ran, [], JSON.stringify(disk));
  }
});
