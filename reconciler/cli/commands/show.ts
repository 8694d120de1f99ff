import { assertNever } from '../../../inventory/core/errors.js';
import { formatIp, parseIp } from '../../../schemas/formats/ip.js';
import { isResourceName } from '../../../schemas/formats/names.js';
import { BACKUP_FACTS_KEY } from '../../drivers/backup-policy/observe-backups.js';
import { KVM_FACTS_KEY } from '../../drivers/kvm/observe-domains.js';
import { renderDiagnosticsHuman } from '../../render/diagnostics.js';
import { type AddressRecord, knownAddresses, listAddresses } from '../../store/api/address-records.js';
import { readApiHead } from '../../store/api/api-head.js';
import { allSightings, appliedDesiredJson, hostFactsOfKind, sightingsOf } from '../../store/api/api-reads.js';
import { domainSightings, tenantRecord, vmRecord } from '../../store/api/api-records.js';
import { appliedModel } from '../../store/api/applied-model.js';
import { ipHistory } from '../../store/facts/ip-history.js';
import type { SqlRunner } from '../../store/file/sqlite.js';
import { booleanOption, type Command, UsageError } from '../command.js';
import { EXIT_ERROR, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { INVENTORY_OPTIONS } from '../inventory-options.js';
import { STATE_OPTIONS } from '../state-options.js';
import { withStore } from './lock.js';

type Subject = { kind: 'ip'; ip: string } | { kind: 'vm' | 'tenant'; name: string };

function parseSubject(text: string): Subject {
  const slash = text.indexOf('/');
  const kind = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  if (kind === 'ip') {
    const parsed = parseIp(rest);
    if (!parsed) throw new UsageError(`"${rest}" is not an IPv4 or IPv6 address`, showCommand);
    return { kind: 'ip', ip: formatIp(parsed) };
  }
  if ((kind === 'vm' || kind === 'tenant') && isResourceName(rest)) return { kind, name: rest };
  throw new UsageError(`show takes ip/ADDRESS, vm/NAME or tenant/NAME, got "${text}"`, showCommand);
}

const line = (label: string, value: string | number | null | undefined) => `  ${`${label}:`.padEnd(12)} ${value ?? '-'}\n`;

function addressText(
  a: AddressRecord,
  history: Array<{ mac: string; device: string; port: string | null; vlan: number | null; firstSeen: number; lastSeen: number }>,
): string {
  let out = `ip/${a.address}\n`;
  out += line('status', a.status) + line('holder', a.holder) + line('tenant', a.tenant) + line('pool', a.pool);
  out += line('first seen', a.firstSeen) + line('last seen', a.lastSeen) + line('MAC', a.mac);
  out += line('seen at', a.seenAt ? `${a.seenAt.device} port ${a.seenAt.port ?? '?'}${a.seenAt.vlan === null ? '' : ` vlan ${a.seenAt.vlan}`}` : null);
  if (history.length > 1) {
    out += '  history:\n';
    for (const h of history)
      out += `    ${new Date(h.firstSeen).toISOString()} .. ${new Date(h.lastSeen).toISOString()}  ${h.mac}  ${h.device} ${h.port ?? '?'}${h.vlan === null ? '' : ` vlan ${h.vlan}`}\n`;
  }
  return out;
}

/** The record of one subject at the last applied commit, read in one snapshot; null: not found. */
async function lookUp(db: SqlRunner, commit: string, subject: Subject): Promise<{ json: unknown; text: string } | null> {
  const applied = await appliedDesiredJson(db, commit);
  if (!applied) return null;
  const model = appliedModel(commit, applied.appliedAt, applied.json);
  switch (subject.kind) {
    case 'ip': {
      const sightings = await sightingsOf(db, [subject.ip]);
      const address = parseIp(subject.ip)!;
      const known = knownAddresses(model, sightings);
      const found =
        listAddresses(model, known, sightings, { address, limit: 1 }).items[0] ??
        listAddresses(model, [], sightings, { address, status: 'free', limit: 1 }).items[0];
      if (!found) return null;
      const history = await ipHistory(db, subject.ip);
      return { json: { ...found, history }, text: addressText(found, history) };
    }
    case 'vm': {
      const vm = vmRecord(model, subject.name, domainSightings(await hostFactsOfKind(db, KVM_FACTS_KEY)));
      if (!vm) return null;
      let text = `vm/${vm.name}\n` + line('tenant', vm.tenant) + line('hypervisor', vm.hypervisor) + line('vCPUs', vm.vcpus) + line('memory', vm.memory);
      text += line('observed', vm.observed ? `${vm.observed.state} on ${vm.observed.host} at ${vm.observed.observedAt}` : 'not seen on any hypervisor');
      for (const i of vm.interfaces) {
        const bw = i.bandwidth ? ` in ${i.bandwidth.inbound ?? '-'} out ${i.bandwidth.outbound ?? '-'}` : '';
        text += line(`if ${i.name}`, `${i.mac ?? '-'} ${i.ips.join(', ') || '-'}${bw}`);
      }
      return { json: vm, text };
    }
    case 'tenant': {
      const tenant = tenantRecord(model, subject.name, {
        domains: domainSightings(await hostFactsOfKind(db, KVM_FACTS_KEY)),
        sightings: await allSightings(db),
        backupFacts: await hostFactsOfKind(db, BACKUP_FACTS_KEY),
      });
      if (!tenant) return null;
      let text = `tenant/${tenant.name}\n` + line('name', tenant.displayName) + line('billing id', tenant.billingId) + line('contact', tenant.contact);
      text += line('VMs', tenant.vmRecords.map((v) => v.name).join(', ') || '-');
      for (const a of tenant.addressRecords) text += line('address', `${a.address} ${a.status} by ${a.holder}, last seen ${a.lastSeen ?? 'never'}`);
      for (const l of tenant.limits) text += line('limit', `${l.on} in ${l.bandwidth.inbound ?? '-'} out ${l.bandwidth.outbound ?? '-'}`);
      text += line('backups', tenant.backups.map((b) => b.name).join(', ') || '-');
      return { json: tenant, text };
    }
    default:
      return assertNever(subject, 'show subject');
  }
}

export const showCommand: Command = {
  name: 'show',
  summary: 'one address, VM or tenant as the API serves it: holder, pool, first and last seen, MAC, switch port',
  synopsis: 'ip/ADDRESS | vm/NAME | tenant/NAME [--json] [--store FILE]',
  positionals: { min: 1, max: 1, names: 'ip/ADDRESS, vm/NAME or tenant/NAME' },
  options: { ...INVENTORY_OPTIONS, ...STATE_OPTIONS, json: { type: 'boolean', description: 'the record as JSON (the API’s fields)' } },
  run: (args, io) => {
    const subject = parseSubject(args.positionals[0]!);
    return withStore(args, io, async (store): Promise<ExitCode> => {
      const found = await store.readSnapshot(async (db) => {
        const head = await readApiHead(db, '', null);
        return head.commit === null ? { commit: null, record: null } : { commit: head.commit, record: await lookUp(db, head.commit, subject) };
      });
      if (!found.record) {
        const what = subject.kind === 'ip' ? `ip/${subject.ip}` : `${subject.kind}/${subject.name}`;
        io.stderr.write(
          renderDiagnosticsHuman([
            {
              severity: 'error',
              code: 'API_SHOW_NOT_FOUND',
              summary:
                found.commit === null
                  ? `nothing was applied to this store yet, so ${what} is unknown`
                  : `${what} is not in commit ${found.commit.slice(0, 12)} and was never seen`,
            },
          ]),
        );
        return EXIT_ERROR;
      }
      if (booleanOption(args, 'json')) io.stdout.write(`${JSON.stringify({ revision: found.commit, ...(found.record.json as object) })}\n`);
      else io.stdout.write(`${found.record.text}  (commit ${found.commit!.slice(0, 12)})\n`);
      return EXIT_OK;
    });
  },
};
