import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { JsonObject } from '../../../inventory/core/json-value.js';
import type { ConnectionSettings } from '../../../inventory/model/connection-settings.js';
import type { SecretRef } from '../../../inventory/model/specs.js';
import type { Change } from '../../plan/change.js';
import { MACRO_TYPE_SECRET, wantedSecretMacros } from './secret-macros.js';
import type { ObservedZabbixHost, SecretMacroFacts } from './zabbix-facts.js';

/** What apply needs to write one secret macro: where, and the reference its value is read from at
 * apply (the value itself is never in a plan). */
export interface MacroRequest extends JsonObject {
  /** null: the host is created in the same apply (apply finds its id by name). */
  hostid: string | null;
  hostmacroid: string | null;
  host: string;
  key: string;
  macro: string;
  secret: { env?: string; file?: string };
  what: string;
}

export function macroAddress(host: string, macro: string): string {
  // `{$NAME}` -> NAME: addresses stay plain words.
  return `zabbix-macro/${host}/${macro.replace(/^\{\$|\}$/g, '')}`;
}

const TYPE_NAMES: Record<string, string> = { '0': 'text', '1': 'secret', '2': 'vault' };

function sourceText(ref: SecretRef): string {
  return ref.env !== undefined ? `env ${ref.env}` : `file ${ref.file ?? '?'}`;
}

/** The secret macros of the published hosts: created where missing, updated where the secret's
 * fingerprint differs from the one recorded when pytin wrote it (or pytin never wrote it, or it is
 * not of the secret type), deleted where pytin wrote one the trusted settings no longer want and
 * no kept interface still names. A
 * macro pytin does not manage is never touched. Pure. */
export function planSecretMacros(
  hosts: ReadonlyArray<{ key: string; host: string }>,
  ownedByKey: ReadonlyMap<string, ObservedZabbixHost>,
  facts: SecretMacroFacts | undefined,
  connections: ConnectionSettings,
  base: { driver: string; service: string },
  /** `key NUL {$MACRO}` still named by an interface the plan keeps (items use it): never deleted. */
  keptMacros: ReadonlySet<string> = new Set(),
): { changes: Change[]; diagnostics: Diagnostic[] } {
  if (!facts) return { changes: [], diagnostics: [] };
  const wanted = wantedSecretMacros(connections);
  const id = (key: string, macro: string) => `${key}\u0000${macro}`;
  const current = new Map(facts.current.map((c) => [id(c.key, c.macro), c.fingerprint]));
  const published = new Map(facts.published.map((p) => [id(p.key, p.macro), p.fingerprint]));
  const changes: Change[] = [];
  for (const { key, host } of hosts) {
    const observed = ownedByKey.get(key);
    const macros = wanted.get(key) ?? [];
    for (const m of macros) {
      const fingerprint = current.get(id(key, m.macro));
      if (fingerprint === undefined) continue; // a problem the facts report
      const existing = observed?.macros?.find((o) => o.macro === m.macro);
      const was = published.get(id(key, m.macro));
      const after = { host, macro: m.macro, type: 'secret', value: `from ${sourceText(m.secret)}` };
      const request: MacroRequest = {
        hostid: observed?.hostid ?? null,
        hostmacroid: existing?.hostmacroid ?? null,
        host,
        key,
        macro: m.macro,
        secret: { ...m.secret },
        what: m.what,
      };
      const address = macroAddress(host, m.macro);
      if (!existing) {
        changes.push({ ...base, address, action: 'create', before: null, after: { ...after, request } });
        continue;
      }
      if (existing.type === MACRO_TYPE_SECRET && was === fingerprint) continue;
      const before = {
        host,
        macro: m.macro,
        type: TYPE_NAMES[existing.type] ?? `type-${existing.type}`,
        value: was === undefined ? 'not written by pytin' : 'a secret that has changed since',
      };
      const fields = (['type', 'value'] as const).filter((f) => before[f] !== after[f]);
      changes.push({ ...base, address, action: 'update', before, after: { ...after, request }, fields });
    }
    const still = new Set(macros.map((m) => m.macro));
    for (const p of facts.published) {
      if (p.key !== key || still.has(p.macro) || keptMacros.has(id(key, p.macro))) continue;
      const existing = observed?.macros?.find((o) => o.macro === p.macro);
      if (!existing) continue;
      changes.push({
        ...base,
        address: macroAddress(host, p.macro),
        action: 'delete',
        before: { host, macro: p.macro, type: TYPE_NAMES[existing.type] ?? `type-${existing.type}`, hostmacroid: existing.hostmacroid, key },
        after: null,
        reason: 'the SNMP credentials no longer use it',
      });
    }
  }
  return { changes, diagnostics: [...facts.problems] };
}
