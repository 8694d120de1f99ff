import { cronFileNameOf, volumeNameOf } from '../../model/derived-names.js';
import type { Desired } from '../../model/desired-state.js';
import type { BackupPolicySpec, VMSpec } from '../../model/specs.js';
import type { ValuePath } from '../../parse/yaml-locate.js';
import type { RuleContext } from '../rule-context.js';

/** Names pytin derives for what it creates on hosts must be injective: two resources that map to
 * one name would share (and delete) one object. VM `globex-db` disk `root` and VM `globex` disk
 * `db-root` are both volume `globex-db-root`; policies `db.main` and `db_main` are both the
 * schedule file `pytin-backup-db_main`. The second one is the error, naming the first. */
export function derivedNames(context: RuleContext): void {
  // The first holder of each volume name, by its VM and disk index (the path is built only for a message).
  const volumes = new Map<string, { vm: Desired<VMSpec>; disk: number }>();
  const diskName = (disk: number): ValuePath => ['disks', disk, 'name'];
  for (const vm of context.all('VM')) {
    vm.spec.disks.forEach((disk, i) => {
      const key = `${disk.pool}/${volumeNameOf(vm.name, disk.name)}`;
      const first = volumes.get(key);
      if (!first) volumes.set(key, { vm, disk: i });
      else if (first.vm !== vm) {
        context.error(
          'INV_RULE_DERIVED_NAME_COLLISION',
          `disk "${disk.name}" of vm/${vm.name} would be the volume ${key}, which is already the volume of vm/${first.vm.name} (${context.where(first.vm, diskName(first.disk))})`,
          vm,
          diskName(i),
          "Volumes are named <vm>-<disk> in their pool: rename one disk (or VM) so that the two volumes differ, or deleting one VM would delete the other's disk.",
        );
      }
    });
  }
  const schedules = new Map<string, Desired<BackupPolicySpec>>();
  for (const policy of context.all('BackupPolicy')) {
    const file = cronFileNameOf(policy.name);
    const first = schedules.get(file);
    if (!first) schedules.set(file, policy);
    else {
      context.error(
        'INV_RULE_DERIVED_NAME_COLLISION',
        `backup/${policy.name} would install its schedule as ${file}, which is already the schedule of backup/${first.name} (${context.where(first, ['name'])})`,
        policy,
        ['name'],
        'cron.d file names allow only letters, digits, "_" and "-": "." becomes "_". Rename one policy.',
      );
    }
  }
}
