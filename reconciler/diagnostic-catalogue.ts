import { INVENTORY_CODES } from '../inventory/core/diagnostic-codes.js';
import { BACKUP_CODES } from './backup/backup-codes.js';
import { BACKUP_POLICY_CODES } from './drivers/backup-policy/backup-policy-codes.js';
import { BANDWIDTH_CODES } from './drivers/bandwidth/bandwidth-codes.js';
import { KVM_CODES } from './drivers/kvm/kvm-codes.js';
import { ZABBIX_CODES } from './drivers/zabbix/zabbix-codes.js';
import { HOST_OBSERVATION_CODES } from './observe/hosts/host-codes.js';
import { OBS_SNMP_CODES } from './observe/snmp/snmp-codes.js';
import { PLAN_CODES } from './plan/plan-codes.js';
import { SESSION_CODES } from './session/session-codes.js';
import { API_CODES } from './store/api/api-codes.js';
import { STORE_CODES } from './store/store-codes.js';
import { USAGE_CODES } from './usage/usage-codes.js';

/** Every area's catalogue of permanent diagnostic codes. A code is defined once, never reused
 * and never renamed (test/reconciler/diagnostic-catalogue.test.ts checks both, and that every
 * code the sources emit is here). */
export const CATALOGUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  inventory: INVENTORY_CODES,
  'observe/snmp': OBS_SNMP_CODES,
  'observe/hosts': HOST_OBSERVATION_CODES,
  store: STORE_CODES,
  plan: PLAN_CODES,
  'drivers/kvm': KVM_CODES,
  backup: BACKUP_CODES,
  'drivers/bandwidth': BANDWIDTH_CODES,
  'drivers/backup-policy': BACKUP_POLICY_CODES,
  session: SESSION_CODES,
  usage: USAGE_CODES,
  api: API_CODES,
  'drivers/zabbix': ZABBIX_CODES,
};
