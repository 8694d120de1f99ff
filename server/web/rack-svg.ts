import type { RackSpec } from '../../inventory/model/specs.js';
import type { Drift } from '../../reconciler/plan/drift.js';
import { html, type SafeHtml } from './html.js';
import type { RackedItem, RackFace } from './rack-elevation.js';

const UNIT = 18;
const NUMBERS = 26;
const WIDTH = 300;
const TOP = 6;

/** One face of a rack as SVG: every unit numbered (unit 1 at the bottom), free units drawn as
 * empty slots, reservations hatched, each device a link to its page at the units the YAML gives
 * (data-unit is its lowest unit, data-height its height: what the browser test reads), and a
 * device the latest plan has drift for outlined, its drift in the hover text. Presentation
 * attributes and classes only: the CSP allows no inline style. */
export function rackFaceSvg(
  rack: RackSpec,
  face: RackFace,
  items: readonly RackedItem[],
  drift: ReadonlyMap<string, Drift[]>,
  link: (path: string) => string,
): SafeHtml {
  const y = (unit: number) => TOP + (rack.units - unit) * UNIT;
  const height = TOP * 2 + rack.units * UNIT;
  const slots = Array.from({ length: rack.units }, (_, i) => {
    const unit = i + 1;
    return html`<rect class="slot" x="${NUMBERS}" y="${y(unit)}" width="${WIDTH}" height="${UNIT}" data-free-unit="${unit}"></rect
      ><text class="unit-number" x="${NUMBERS - 4}" y="${y(unit) + UNIT - 5}" text-anchor="end">${unit}</text>`;
  });
  const reservations = (rack.reservations ?? [])
    .filter((r) => r.face === undefined || r.face === face)
    .map(
      (r) =>
        html`<rect
          class="unit-reserved"
          fill="url(#hatch-${face})"
          x="${NUMBERS}"
          y="${y(r.to)}"
          width="${WIDTH}"
          height="${(r.to - r.from + 1) * UNIT}"
          data-reserved-from="${r.from}"
          data-reserved-to="${r.to}"
          ><title>units ${r.from}–${r.to} reserved${r.tenant ? ` for ${r.tenant}` : ''}: ${r.reason}</title></rect
        >`,
    );
  const devices = items
    .filter((item) => item.faces.includes(face))
    .map((item) => {
      const found = drift.get(`${item.kind}/${item.name}`) ?? [];
      const top = y(item.position + item.height - 1);
      const hover = [
        `${item.kind}/${item.name}: units ${item.position}–${item.position + item.height - 1}`,
        ...found.map((d) => `${d.kind}: ${d.message}`),
      ].join('\n');
      return html`<a
        href="${link(`/devices/${item.kind}/${item.name}`)}"
        data-device="${item.name}"
        data-kind="${item.kind}"
        data-unit="${item.position}"
        data-height="${item.height}"
        data-face="${face}"
        ${found.length ? html` data-drift="${found.map((d) => d.kind).join(' ')}"` : ''}
        ><title>${hover}</title
        ><rect
          class="dev dev-${item.kind}${found.length ? ' dev-drift' : ''}"
          x="${NUMBERS + 2}"
          y="${top + 1}"
          width="${WIDTH - 4}"
          height="${item.height * UNIT - 2}"
          rx="2"
        ></rect
        ><text class="dev-label" x="${NUMBERS + 8}" y="${top + UNIT - 5}">${item.name}${found.length ? ' ⚠' : ''}</text></a
      >`;
    });
  return html`<figure>
    <figcaption>${face}</figcaption>
    <svg
      class="rack"
      xmlns="http://www.w3.org/2000/svg"
      width="${NUMBERS + WIDTH + 4}"
      height="${height}"
      viewBox="0 0 ${NUMBERS + WIDTH + 4} ${height}"
      role="img"
      aria-label="${face} of the rack"
      data-face="${face}"
      data-units="${rack.units}"
    >
      <defs>
        <pattern id="hatch-${face}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" fill="#fafbfc"></rect>
          <line x1="0" y1="0" x2="0" y2="6" stroke="#f0b429" stroke-width="3"></line>
        </pattern>
      </defs>
      ${slots}${reservations}${devices}
      <rect class="rack-frame" x="${NUMBERS}" y="${TOP}" width="${WIDTH}" height="${rack.units * UNIT}"></rect>
    </svg>
  </figure>`;
}
