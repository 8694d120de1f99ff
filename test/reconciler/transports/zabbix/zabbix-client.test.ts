import { registerZabbixClientSuite } from './zabbix-client-suite.js';

// The Zabbix client against Zabbix 6.0 LTS (bookworm's packages on this machine).
registerZabbixClientSuite('6.0');
