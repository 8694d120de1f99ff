import { readFileSync, writeFileSync } from 'node:fs';

import { Secret } from '../../../../inventory/secrets/secret.js';
import type { Driver } from '../../../../reconciler/drivers/driver.js';
import { zabbixDriver } from '../../../../reconciler/drivers/zabbix/zabbix-driver.js';
import { zabbixSubject } from '../../../../reconciler/drivers/zabbix/zabbix-settings.js';
import type { Plan } from '../../../../reconciler/plan/plan.js';
import { applyInSession, type ApplyReport } from '../../../../reconciler/session/apply-session.js';
import { openSession, type Session } from '../../../../reconciler/session/open-session.js';
import { DEFAULT_OPERATOR_CONFIG, type OperatorConfig } from '../../../../reconciler/session/operator-config.js';
import { planInSession } from '../../../../reconciler/session/plan-session.js';
import { ZabbixClient } from '../../../../reconciler/transports/zabbix/zabbix-client.js';
import { atLeast } from '../../../../reconciler/transports/zabbix/zabbix-version.js';
import { makeTempDir } from '../../../lab/daemon.js';
import type { LabZabbix, ZabbixGeneration } from '../../../lab/zabbix.js';
import { git, makeRepo } from '../../../support/git-repo.js';
import { labTexts } from '../../../support/lab-inventory.js';

/** The stock template each generation's lab links to switches: one that discovers interfaces by
 * ifName and names their traffic items `Interface <ifName>(<ifAlias>): Bits received|sent`, so
 * that the dashboards' switch-port graphs show something (zabbix-server-discovery-suite.ts proves
 * it with a real zabbix_server). "Generic by SNMP" discovers no interface; 7.0's data.sql has no
 * "Interfaces by SNMP", and 6.0's "Network Generic Device by SNMP" names the items by ifDescr
 * (7.0's by ifName). */
export const LAB_SWITCH_TEMPLATE: Record<ZabbixGeneration, string> = {
  '6.0': 'Interfaces by SNMP',
  '7.0': 'Network Generic Device by SNMP',
};

/** The lab inventory with a ZabbixConnection to the lab's Zabbix (password from the environment),
 * linking the switch template of the Zabbix `generation`. */
export function zabbixSettingsYaml(url: string, generation: ZabbixGeneration = '6.0'): string {
  return [
    'kind: ZabbixConnection',
    'name: lab-zabbix',
    `url: ${url}`,
    'username: Admin',
    'password: {env: PYTIN_SECRET_ZABBIX_PASSWORD}',
    'hostGroup: pytin',
    'templates:',
    '  hypervisor: [ICMP Ping]',
    `  switch: [${LAB_SWITCH_TEMPLATE[generation]}]`,
    '  vm: [ICMP Ping]',
    '',
  ].join('\n');
}

export interface PublishLab {
  repoDir: string;
  /** The store the lab's sessions share. */
  storePath: string;
  /** The environment sessions read secrets from (a test may change a secret here). */
  env: Record<string, string>;
  /** The operator configuration sessions open with (a test may restrict secrets here). */
  operator: OperatorConfig;
  /** Every Zabbix API method this lab's sessions called, in order (cleared by `resetCalls`). */
  calls: string[];
  /** Told every API call of the code under test as it is made. */
  onCall: ((method: string) => void) | undefined;
  /** Opens a session on HEAD with the Zabbix driver (`batchSize` objects a write) and `others`. */
  open(batchSize?: number, others?: readonly Driver[]): Promise<Session>;
  /** Reads Zabbix, plans and applies in an open session. */
  publishIn(session: Session): Promise<Extract<ApplyReport, { applied: true }>>;
  /** Plans from what the session last read and applies (publishIn without the read). */
  applyRead(session: Session): Promise<Extract<ApplyReport, { applied: true }>>;
  /** Reads Zabbix, then plans (what `pytin plan` shows after a refresh of Zabbix). */
  plan(): Promise<Plan>;
  /** Reads Zabbix, plans and applies: `pytin publish zabbix`. */
  publish(): Promise<Extract<ApplyReport, { applied: true }>>;
  commit(file: string, edit: (text: string) => string): void;
  /** A client of our own (not the code under test's calls). */
  admin(): Promise<ZabbixClient>;
  remove(): Promise<void>;
}

/** Admin's password in the lab, set at start: distinctive, so a test can prove it is in no output. */
export const LAB_ZABBIX_PASSWORD = 'lab-Pw-7f3a9c2e';

/** The switches' SNMP communities in the lab: distinctive, so a test can prove where they are not. */
export const LAB_COMMUNITIES = { PYTIN_SECRET_SW_R01_COMMUNITY: 'lab-Comm-r01-41d8e2', PYTIN_SECRET_SW_R02_COMMUNITY: 'lab-Comm-r02-9b07c3' };

export async function publishLab(zabbix: LabZabbix): Promise<PublishLab> {
  const first = await ZabbixClient.connect({ url: zabbix.url, credentials: { username: 'Admin', password: new Secret('zabbix') } });
  // Changing one's own password needs the current one from 6.4 (6.0 refuses the parameter).
  const current = atLeast(first.features.version, 6, 4) ? { current_passwd: 'zabbix' } : {};
  await first.call('user.update', { userid: '1', passwd: LAB_ZABBIX_PASSWORD, ...current });
  await first.close();
  const files = labTexts();
  files.set('zabbix.yaml', zabbixSettingsYaml(zabbix.url, zabbix.generation));
  const repo = await makeRepo(files);
  const state = await makeTempDir('zabbix-state');
  const calls: string[] = [];
  const env: Record<string, string> = { PYTIN_SECRET_ZABBIX_PASSWORD: LAB_ZABBIX_PASSWORD, ...LAB_COMMUNITIES };
  const open = async (batchSize?: number, others: readonly Driver[] = []) => {
    const opened = await openSession({
      inventory: { repo: repo.path },
      operator: lab.operator,
      storePath: lab.storePath,
      env: lab.env,
      trustNewHosts: false,
      parallelism: 1,
      drivers: [...others, zabbixDriver],
      zabbixClient: {
        onCall: (m) => {
          calls.push(m);
          lab.onCall?.(m);
        },
        ...(batchSize ? { batchSize } : {}),
      },
    });
    if ('failed' in opened) throw new Error(JSON.stringify(opened.failed));
    return opened.session;
  };
  const safety = { allowDestroy: [], massDestroyPercent: 50, allowMassDestroy: false };
  const lab: PublishLab = {
    repoDir: repo.path,
    storePath: `${state.path}/store.sqlite`,
    env,
    operator: DEFAULT_OPERATOR_CONFIG,
    calls,
    onCall: undefined,
    open,
    async plan() {
      const session = await open();
      try {
        await session.observe(new Set([zabbixSubject('lab-zabbix')]));
        return (await planInSession(session, { refresh: false, safety })).plan;
      } finally {
        await session.close();
      }
    },
    async publishIn(session) {
      await session.observe(new Set([zabbixSubject('lab-zabbix')]));
      return lab.applyRead(session);
    },
    async applyRead(session) {
      const report = await applyInSession(session, {
        refresh: false,
        safety,
        parallelism: 4,
        lockTimeoutSeconds: 0,
        holder: { name: 'test', host: 'lab', pid: process.pid },
      });
      if (!report.applied) throw new Error(`nothing applied: ${JSON.stringify(report.diagnostics)}`);
      return report;
    },
    async publish() {
      const session = await open();
      try {
        return await lab.publishIn(session);
      } finally {
        await session.close();
      }
    },
    commit(file, edit) {
      const path = `${repo.path}/${file}`;
      const text = readFileSync(path, 'utf8');
      const edited = edit(text);
      if (edited === text) throw new Error(`the edit of ${file} changed nothing`);
      writeFileSync(path, edited);
      git(repo.path, 'commit', '-qam', `edit ${file}`);
    },
    admin: () => ZabbixClient.connect({ url: zabbix.url, credentials: { username: 'Admin', password: new Secret(LAB_ZABBIX_PASSWORD) } }),
    async remove() {
      await repo.remove();
      await state.remove();
    },
  };
  return lab;
}
