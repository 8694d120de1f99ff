import type { JsonValue } from '../../../inventory/core/json-value.js';
import type { ZabbixFeatures } from '../../transports/zabbix/zabbix-version.js';
import { type GraphWidgetSpec, SPEC_GRID_COLUMNS, type ZabbixDashboardSpec } from './desired-dashboards.js';

/** A widget field as the API takes and returns it. Zabbix validates neither names nor values of
 * a widget's fields: a wrong name is stored as given and the widget is simply empty. */
export interface WidgetField {
  /** 0 integer, 1 string (ZBX_WIDGET_FIELD_TYPE_*), as a string: how dashboard.get returns it. */
  type: string;
  name: string;
  value: string;
  [key: string]: JsonValue;
}

export interface WidgetObject {
  type: string;
  name: string;
  x: string;
  y: string;
  width: string;
  height: string;
  fields: WidgetField[];
  [key: string]: JsonValue;
}

export interface DashboardPage {
  widgets: WidgetObject[];
  [key: string]: JsonValue;
}

const FIELD_STRING = '1';

/** 7.0 gives each broadcasting widget (a graph is one) a `reference`: five capital letters, unique on
 * its dashboard. Derived from the widget's position in the dashboard, so it is the same every run. */
function reference(index: number): string {
  let text = '';
  let rest = index;
  for (let i = 0; i < 5; i++) {
    text = String.fromCharCode(65 + (rest % 26)) + text;
    rest = Math.floor(rest / 26);
  }
  return text;
}

/** The graph widget's data-set fields in the names of the Zabbix generation being written to:
 * - 6.0 (CWidgetFieldGraphDataSet::toApi): `ds.hosts.<set>.<n>`, `ds.items.<set>.<n>`, `ds.color.<set>`;
 * - 7.0 (CWidgetFieldDataSet::toApi): `ds.<set>.hosts.<n>`, `ds.<set>.items.<n>`, `ds.<set>.color`, and the
 *   widget's `reference`. */
export function graphWidgetFields(widget: GraphWidgetSpec, generation: ZabbixFeatures['widgetFields'], index: number): WidgetField[] {
  const fields: WidgetField[] = [];
  const field = (name: string, value: string) => fields.push({ type: FIELD_STRING, name, value });
  widget.dataSets.forEach((set, s) => {
    if (generation === 'ds-patterns-6.0') {
      set.hosts.forEach((h, n) => field(`ds.hosts.${s}.${n}`, h));
      set.items.forEach((p, n) => field(`ds.items.${s}.${n}`, p));
      field(`ds.color.${s}`, set.color);
    } else {
      set.hosts.forEach((h, n) => field(`ds.${s}.hosts.${n}`, h));
      set.items.forEach((p, n) => field(`ds.${s}.items.${n}`, p));
      field(`ds.${s}.color`, set.color);
    }
  });
  if (generation === 'ds-indexed-7.0') field('reference', reference(index));
  return fields;
}

/** The dashboard grid's columns (DASHBOARD_MAX_COLUMNS in the frontend's defines.inc.php): 24 in
 * 6.0, 72 in 7.0 (rows stay 64). The API takes any width up to that without a word, so a layout
 * written in 6.0's columns is a third as wide in 7.0. */
const GRID_COLUMNS: Record<ZabbixFeatures['widgetFields'], number> = { 'ds-patterns-6.0': 24, 'ds-indexed-7.0': 72 };

/** The pages of a dashboard as the API takes them (and, normalised, returns them). The spec is laid
 * out on 24 columns; x and width are scaled to the generation's grid. */
export function dashboardPages(spec: ZabbixDashboardSpec, generation: ZabbixFeatures['widgetFields']): DashboardPage[] {
  let index = 0;
  const scale = GRID_COLUMNS[generation] / SPEC_GRID_COLUMNS;
  return spec.pages.map((page) => ({
    widgets: page.map((w) => ({
      type: 'svggraph',
      name: w.name,
      x: String(w.x * scale),
      y: String(w.y),
      width: String(w.width * scale),
      height: String(w.height),
      fields: graphWidgetFields(w, generation, index++),
    })),
  }));
}

/** One widget as the plan shows and compares it: its page, kind, name, place and every field
 * (sorted by name: Zabbix keeps no order). */
export function widgetText(page: number, widget: WidgetObject): string {
  const fields = [...widget.fields]
    .map((f) => `${f.name}=${f.value}`)
    .sort()
    .join('; ');
  return `page ${page + 1}: ${widget.type} "${widget.name}" at ${widget.x},${widget.y} size ${widget.width}x${widget.height}: ${fields}`;
}

/** Every widget of a dashboard as text, in a fixed order (page, then row, then column). */
export function dashboardWidgetTexts(pages: ReadonlyArray<{ widgets: readonly WidgetObject[] }>): string[] {
  return pages.flatMap((page, p) => [...page.widgets].sort((a, b) => Number(a.y) - Number(b.y) || Number(a.x) - Number(b.x)).map((w) => widgetText(p, w)));
}
