import type { LabZabbix } from './zabbix.js';

/** A graph data set as the dashboard stores it: host and item patterns. */
export interface GraphPatterns {
  hosts: readonly string[];
  items: readonly string[];
}

/** Signs in to the lab's web frontend (index.php, the login form a user fills in) and returns the
 * session cookie, `zbx_session=...`. */
async function signIn(frontend: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${frontend}index.php`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: username, password, autologin: '0', enter: 'Sign in' }).toString(),
    redirect: 'manual',
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('zbx_session='));
  if (!cookie || response.status !== 302) throw new Error(`the frontend refused ${username}'s sign-in (HTTP ${response.status})`);
  return cookie;
}

/** Undoes the HTML escaping of the frontend's text nodes (CHtml::encode: htmlspecialchars). */
function htmlText(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The request body a dashboard posts (JSON) to `zabbix.php?action=widget.svggraph.view` for a
 * graph of one data set over the last hour, in each generation's form:
 * - 6.0 (CControllerWidgetSvgGraphView, class.widget.js): the fields as a JSON string, the time
 *   period as `from`/`to`, and the session's `sid` (its id's characters 16-31), which 6.0's
 *   controllers check;
 * - 7.0 (CControllerDashboardWidgetView): the fields as an object, the time period among them; no
 *   CSRF token. */
function graphViewRequest(generation: LabZabbix['generation'], cookie: string, set: GraphPatterns): string {
  const dataSet = { hosts: set.hosts, items: set.items, color: '1A7C11' };
  if (generation === '6.0') {
    const session = JSON.parse(Buffer.from(decodeURIComponent(cookie.slice('zbx_session='.length)), 'base64').toString('utf8')) as { sessionid: string };
    return JSON.stringify({
      name: 'pytin lab graph',
      fields: JSON.stringify({ ds: [dataSet] }),
      from: 'now-1h',
      to: 'now',
      content_width: 800,
      content_height: 400,
      sid: session.sessionid.slice(16, 32),
    });
  }
  return JSON.stringify({
    name: 'pytin lab graph',
    fields: { ds: [dataSet], time_period: { from: 'now-1h', to: 'now' } },
    contents_width: 800,
    contents_height: 400,
  });
}

/** The frontend's messages in a widget's answer (6.0: one HTML string, 7.0: a list), but for the
 * warning that this machine has no en_US locale for the frontend's translations. */
function widgetMessages(messages: unknown): string[] {
  const texts =
    typeof messages === 'string'
      ? [...messages.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => htmlText(m[1]!))
      : Array.isArray(messages)
        ? messages.map(String)
        : [];
  return texts.filter((m) => !m.startsWith('Locale for language'));
}

/** The metric names in a graph's legend: 6.0's CSvgGraphLegend writes each as
 * `<div style="border-color: #...">NAME</div>`, 7.0's as
 * `<div class="svg-graph-legend-item" ...><span>NAME</span></div>`. */
function legendNames(generation: LabZabbix['generation'], body: string): string[] {
  const pattern = generation === '6.0' ? /<div style="border-color: [^"]*">([^<]*)<\/div>/g : /<div class="svg-graph-legend-item"[^>]*><span>([^<]*)<\/span>/g;
  return [...body.matchAll(pattern)].map((m) => htmlText(m[1]!));
}

/** The names in the legend the lab's own Zabbix graph widget draws for one data set: the installed
 * frontend's `widget.svggraph.view` action (what a dashboard asks for each graph it shows) run for
 * a graph of that data set, its metrics found by the generation's CSvgGraphHelper itself. Each name
 * is "<host>: <item>". Signs in as `username` (a web session, as a dashboard's viewer). */
export async function frontendGraphLegend(zabbix: LabZabbix, username: string, password: string, set: GraphPatterns): Promise<string[]> {
  const frontend = zabbix.url.replace(/api_jsonrpc\.php$/, '');
  const cookie = await signIn(frontend, username, password);
  const response = await fetch(`${frontend}zabbix.php?action=widget.svggraph.view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: graphViewRequest(zabbix.generation, cookie, set),
  });
  const text = await response.text();
  let answer: { body?: string; error?: unknown; messages?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new Error(`widget.svggraph.view answered HTTP ${response.status} with no JSON: ${text.slice(0, 500)}`);
  }
  if (answer.error || widgetMessages(answer.messages).length > 0 || typeof answer.body !== 'string')
    throw new Error(`widget.svggraph.view failed: ${JSON.stringify({ error: answer.error, messages: answer.messages, body: answer.body?.slice(0, 300) })}`);
  return legendNames(zabbix.generation, answer.body);
}
