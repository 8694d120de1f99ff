import type { AddressCell } from './address-cells.js';
import { html, type SafeHtml } from './html.js';

const CELL = 24;
const COLUMNS = 16;

const iso = (ms: number) => new Date(ms).toISOString();

/** Hover text: the address, its state, its holder and tenant, where and when it was last seen. */
function hoverText(cell: AddressCell): string {
  const parts = [`${cell.ip} — ${cell.state}`];
  if (cell.held) parts.push(`held by ${cell.held.holder}${cell.held.tenant ? ` (tenant ${cell.held.tenant})` : ''}`);
  if (cell.seen) parts.push(`last seen ${iso(cell.seen.lastSeen)} on ${cell.seen.device}${cell.seen.port ? ` ${cell.seen.port}` : ''} (${cell.seen.mac})`);
  else if (cell.held) parts.push('never seen');
  return parts.join('\n');
}

/** One cell per address, 16 to a row (a /24 is a 16 × 16 square), each coloured by its state
 * with the last part of the address written in it. */
export function poolMapSvg(cells: readonly AddressCell[]): SafeHtml {
  const rows = Math.ceil(cells.length / COLUMNS);
  const width = COLUMNS * CELL;
  const height = rows * CELL;
  return html`<svg
    class="pool-map"
    xmlns="http://www.w3.org/2000/svg"
    width="${width}"
    height="${height}"
    viewBox="0 0 ${width} ${height}"
    role="img"
    aria-label="address map"
  >
    ${cells.map((cell, i) => {
      const x = (i % COLUMNS) * CELL;
      const y = Math.floor(i / COLUMNS) * CELL;
      const label = cell.ip.slice(cell.ip.lastIndexOf(cell.ip.includes(':') ? ':' : '.') + 1);
      return html`<g data-ip="${cell.ip}" data-state="${cell.state}"
        ><title>${hoverText(cell)}</title><rect class="cell cell-${cell.state}" x="${x}" y="${y}" width="${CELL}" height="${CELL}"></rect
        ><text class="cell-text" x="${x + CELL / 2}" y="${y + CELL / 2 + 3}" text-anchor="middle">${label}</text></g
      >`;
    })}
  </svg>`;
}
