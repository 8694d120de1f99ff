import type { JsonValue } from '../../../inventory/core/json-value.js';
import type { ZabbixFeatures } from '../../transports/zabbix/zabbix-version.js';
import type { GraphWidgetSpec, ZabbixDashboardSpec } from './desired-dashboards.js';

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

/** The pages of a dashboard as the API takes them (and, normalised, returns them). */
export function dashboardPages(spec: ZabbixDashboardSpec, generation: ZabbixFeatures['widgetFields']): DashboardPage[] {
  let index = 0;
  return spec.pages.map((page) => ({
    widgets: page.map((w) => ({
      type: 'svggraph',
      name: w.name,
      x: String(w.x),
      y: String(w.y),
      width: String(w.width),
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
