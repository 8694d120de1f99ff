import type { DesiredState } from '../../../inventory/model/desired-state.js';
import { resourcesOfKind } from '../../../inventory/model/desired-state.js';
import type { ServerSpec, VMSpec } from '../../../inventory/model/specs.js';
import { ownedUuid } from './zabbix-uuid.js';

/** One graph data set: items selected by host and item name patterns (Zabbix's `*` wildcard), so
 * the widget follows items that discovery creates after publishing. */
export interface GraphDataSet {
  hosts: string[];
  items: string[];
  color: string;
}

/** The grid the specs are laid out on: Zabbix 6.0's 24 columns (dashboard-widgets.ts scales them to
 * the grid of the generation written to). */
export const SPEC_GRID_COLUMNS = 24;

/** A graph widget placed on the dashboard grid (SPEC_GRID_COLUMNS columns). */
export interface GraphWidgetSpec {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  dataSets: GraphDataSet[];
}

/** A dashboard pytin owns: one per rack, hypervisor and tenant, its uuid derived from that key. */
export interface ZabbixDashboardSpec {
  /** `rack/<name>`, `hypervisor/<name>` or `tenant/<name>`. */
  key: string;
  uuid: string;
  name: string;
  /** Widgets by page (a page holds what fits on the grid). */
  pages: GraphWidgetSpec[][];
}

const WIDGET_WIDTH = 12;
const WIDGET_HEIGHT = 5;
const COLUMNS = SPEC_GRID_COLUMNS / WIDGET_WIDTH;
/** 12 rows of widgets: y stays well inside Zabbix's 64 grid rows. */
const WIDGETS_PER_PAGE = COLUMNS * 12;
/** Colours of successive data sets of a widget (hex as Zabbix stores them). */
const PALETTE = ['1A7C11', 'F63100', '2774A4', 'A54F10', 'FC6EA3', '6C59DC'];

/** The traffic items of one switch port. Inventory port names are the switch's ifName, and the
 * SNMP templates that discover interfaces by ifName name them
 * `Interface <ifName>(<ifAlias>): Bits received|sent`: on Zabbix 6.0 "Interfaces by SNMP" and the
 * device templates built like it, on 7.0 "Network Generic Device by SNMP" and the device templates
 * (7.0 has no "Interfaces by SNMP"). One pattern serves both generations: 6.0's graph widget
 * matches it against the item's name, 7.0's against its name with macros resolved, which for a
 * discovered item is the same text. Checked against a real zabbix_server of each generation in
 * zabbix-server-discovery-suite.ts. (6.0's "Network Generic Device by SNMP" names them
 * `Interface <ifDescr>: ...`, and ifDescr is not the port name: no pattern of the port name can
 * select its items.) */
function switchPortItemPatterns(port: string): string[] {
  return [`Interface ${port}(*): Bits *`];
}

/** The traffic items of one VM interface, by the agent's templates: the Linux ones name them
 * `Interface <name>: Bits received|sent`, the Windows ones `Interface <name>(<alias>): Bits ...`. */
function vmInterfaceItemPatterns(interfaceName: string): string[] {
  return [`Interface ${interfaceName}(*): Bits *`, `Interface ${interfaceName}: Bits *`];
}

interface Tile {
  name: string;
  dataSets: Array<Omit<GraphDataSet, 'color'>>;
}

/** Lays tiles out left to right, top to bottom, a page per WIDGETS_PER_PAGE. */
function layOut(tiles: readonly Tile[]): GraphWidgetSpec[][] {
  const pages: GraphWidgetSpec[][] = [];
  tiles.forEach((tile, index) => {
    const onPage = index % WIDGETS_PER_PAGE;
    if (onPage === 0) pages.push([]);
    pages[pages.length - 1]!.push({
      name: tile.name,
      x: (onPage % COLUMNS) * WIDGET_WIDTH,
      y: Math.floor(onPage / COLUMNS) * WIDGET_HEIGHT,
      width: WIDGET_WIDTH,
      height: WIDGET_HEIGHT,
      dataSets: tile.dataSets.map((d, i) => ({ ...d, color: PALETTE[i % PALETTE.length]! })),
    });
  });
  return pages;
}

/** The dashboards that succeed the old graph screens: per rack (the switch ports each server in it
 * is cabled to), per hypervisor (its own ports and each of its VMs' interfaces) and per tenant (its
 * VMs and dedicated servers). A data set names only hosts pytin publishes. Pure. */
export function desiredDashboards(state: DesiredState, prefix: string, publishedHosts: ReadonlySet<string>): ZabbixDashboardSpec[] {
  const servers = resourcesOfKind<ServerSpec>(state, 'Server').sort((a, b) => a.name.localeCompare(b.name));
  const vms = resourcesOfKind<VMSpec>(state, 'VM').sort((a, b) => a.name.localeCompare(b.name));
  const serverTile = (server: (typeof servers)[number]): Tile | undefined => {
    const dataSets = (server.spec.interfaces ?? [])
      // A port name is free text from the branch: with Zabbix's `*` wildcard in it (which has no
      // escape), a pattern would select other ports' items, so such a port is not graphed.
      .filter((i) => i.cabledTo && publishedHosts.has(i.cabledTo.switch) && !i.cabledTo.port.includes('*'))
      .map((i) => ({ hosts: [i.cabledTo!.switch], items: switchPortItemPatterns(i.cabledTo!.port) }));
    return dataSets.length ? { name: `${server.name}: switch ports`, dataSets } : undefined;
  };
  const vmTile = (vm: (typeof vms)[number]): Tile | undefined => {
    if (!publishedHosts.has(vm.name) || vm.spec.interfaces.length === 0) return undefined;
    return { name: `${vm.name}: interfaces`, dataSets: vm.spec.interfaces.map((i) => ({ hosts: [vm.name], items: vmInterfaceItemPatterns(i.name) })) };
  };
  const present = <T>(items: Array<T | undefined>) => items.filter((t): t is T => t !== undefined);

  const boards: Array<{ key: string; name: string; tiles: Tile[] }> = [];
  const racks = [...new Set(servers.map((s) => s.spec.placement.rack))].sort();
  for (const rack of racks) {
    boards.push({
      key: `rack/${rack}`,
      name: `${prefix}: rack ${rack}`,
      tiles: present(servers.filter((s) => s.spec.placement.rack === rack).map(serverTile)),
    });
  }
  for (const hypervisor of servers.filter((s) => s.spec.roles?.includes('hypervisor'))) {
    boards.push({
      key: `hypervisor/${hypervisor.name}`,
      name: `${prefix}: hypervisor ${hypervisor.name}`,
      tiles: present([serverTile(hypervisor), ...vms.filter((v) => v.spec.hypervisor === hypervisor.name).map(vmTile)]),
    });
  }
  const tenants = [...new Set([...vms.map((v) => v.spec.tenant), ...present(servers.map((s) => s.spec.tenant))])].sort();
  for (const tenant of tenants) {
    boards.push({
      key: `tenant/${tenant}`,
      name: `${prefix}: tenant ${tenant}`,
      tiles: present([...servers.filter((s) => s.spec.tenant === tenant).map(serverTile), ...vms.filter((v) => v.spec.tenant === tenant).map(vmTile)]),
    });
  }
  // A dashboard needs a widget to show: one with nothing to graph is not made.
  return boards.filter((b) => b.tiles.length > 0).map((b) => ({ key: b.key, uuid: ownedUuid('dashboard', b.key), name: b.name, pages: layOut(b.tiles) }));
}
