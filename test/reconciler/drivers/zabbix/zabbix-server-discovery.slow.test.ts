import { registerZabbixServerDiscoverySuite } from './zabbix-server-discovery-suite.js';

// A real zabbix_server 6.0 (bookworm's package) discovers the snmpsim switches' interfaces, and
// pytin's dashboards graph exactly each cabled port's traffic items.
registerZabbixServerDiscoverySuite('6.0');
