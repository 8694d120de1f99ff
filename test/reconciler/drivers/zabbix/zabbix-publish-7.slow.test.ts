import { registerZabbixPublishSuite } from './zabbix-publish-suite.js';

// The Zabbix publish suite against Zabbix 7.0 LTS (Debian 13's packages in the lab's chroot,
// built by test/lab/zabbix7-chroot.ts on first use).
registerZabbixPublishSuite('7.0');
