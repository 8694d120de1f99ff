import { registerZabbixServerDiscoverySuite } from './zabbix-server-discovery-suite.js';

// A real zabbix_server 7.0 (Debian 13's package, run in the lab's chroot) discovers the snmpsim
// switches' interfaces, and pytin's dashboards graph exactly each cabled port's traffic items.
registerZabbixServerDiscoverySuite('7.0');
