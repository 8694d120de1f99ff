/** The web view's only static files, same-origin: the stylesheet (the CSP allows style from
 * 'self' only, so nothing in a page carries a style attribute or element) and the icon (so the
 * browser's favicon request is answered, not a 404 in the console). Public: nothing secret. */
export const STYLESHEET_PATH = '/web/style.css';
export const ICON_PATH = '/web/icon.svg';

export const STYLESHEET = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6475; --line: #d5d9e0; --bg: #ffffff; --panel: #f5f6f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; justify-content: space-between; align-items: baseline; padding: 8px 20px; background: #1d2330; color: #fff; }
header a { color: #fff; margin-right: 14px; text-decoration: none; }
header .brand { font-weight: 700; }
header .revision { margin: 0; color: #c9cfdb; }
main { padding: 12px 20px 40px; max-width: 1200px; }
h1 { font-size: 22px; margin: 8px 0 12px; }
h2 { font-size: 17px; margin: 22px 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
code { font-size: 13px; }
.muted { color: var(--muted); }
.faces { display: flex; gap: 24px; flex-wrap: wrap; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; margin: 6px 0; padding: 0; list-style: none; }
.legend li::before { content: ""; display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; border: 1px solid #888; }
.slot { fill: #fafbfc; stroke: #d5d9e0; }
.unit-number { font-size: 10px; fill: #5b6475; }
.rack-frame { fill: none; stroke: #1d2330; stroke-width: 2; }
.dev { stroke: #1d2330; stroke-width: 1; }
.dev-server { fill: #cfe3ff; } .dev-switch { fill: #d8f0d2; } .dev-device { fill: #ece3f7; }
.dev-drift { stroke: #c62828; stroke-width: 3; }
.dev-label { font-size: 11px; fill: #1d2330; }
a:hover .dev { fill-opacity: .7; }
.cell { stroke: #fff; stroke-width: 1; }
rect.cell-allocated { fill: #3b7dd8; } .legend .cell-allocated::before { background: #3b7dd8; }
rect.cell-reserved { fill: #f0b429; } .legend .cell-reserved::before { background: #f0b429; }
rect.cell-infrastructure { fill: #7b8494; } .legend .cell-infrastructure::before { background: #7b8494; }
rect.cell-free { fill: #e4e7ec; } .legend .cell-free::before { background: #e4e7ec; }
rect.cell-seen-unowned { fill: #d64545; } .legend .cell-seen-unowned::before { background: #d64545; }
rect.cell-stale { fill: #9fc3f0; } .legend .cell-stale::before { background: #9fc3f0; }
.cell-text { font-size: 9px; fill: #1d2330; pointer-events: none; }
.chart-axis { stroke: #5b6475; stroke-width: 1; }
.chart-in { fill: none; stroke: #3b7dd8; stroke-width: 1.2; }
.chart-out { fill: none; stroke: #2e9d57; stroke-width: 1.2; }
.chart-p95 { stroke: #d64545; stroke-width: 1.5; stroke-dasharray: 5 3; }
.chart-text { font-size: 10px; fill: #5b6475; }
.bar { fill: #3b7dd8; } .bar-track { fill: #e4e7ec; }
.verdict { font-weight: 600; }
.sev-error { color: #c62828; } .sev-warning { color: #a05a00; }
`;

export const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="3" y="1" width="10" height="14" fill="#1d2330"/><rect x="4" y="3" width="8" height="2" fill="#cfe3ff"/><rect x="4" y="7" width="8" height="2" fill="#d8f0d2"/></svg>`;
