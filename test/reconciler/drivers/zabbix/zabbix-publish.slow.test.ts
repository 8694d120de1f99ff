import { registerZabbixPublishSuite } from './zabbix-publish-suite.js';

// The Zabbix publish suite against Zabbix 6.0 LTS (bookworm's packages on this machine).
registerZabbixPublishSuite('6.0');
