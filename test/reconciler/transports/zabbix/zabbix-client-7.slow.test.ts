import { registerZabbixClientSuite } from './zabbix-client-suite.js';

// The Zabbix client against Zabbix 7.0 LTS (Debian 13's packages in the lab's chroot, built by
// test/lab/zabbix7-chroot.ts on first use: slow on a fresh machine, hence a slow test).
registerZabbixClientSuite('7.0');
