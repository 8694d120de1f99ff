import { backupPolicyDriver } from './backup-policy/backup-policy-driver.js';
import { bandwidthDriver } from './bandwidth/bandwidth-driver.js';
import type { Driver } from './driver.js';
import { kvmDriver } from './kvm/kvm-driver.js';
import { zabbixDriver } from './zabbix/zabbix-driver.js';

/** Every driver, in one place, in dependency order. */
export const DRIVERS: readonly Driver[] = [kvmDriver, bandwidthDriver, backupPolicyDriver, zabbixDriver];
