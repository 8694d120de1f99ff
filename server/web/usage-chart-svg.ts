import { BUCKET_MS } from '../../reconciler/usage/bucket-series.js';
import { html, type SafeHtml } from './html.js';
import type { TenantRates } from './tenant-rates.js';

const WIDTH = 720;
const HEIGHT = 180;
const LEFT = 64;
const BOTTOM = 20;

/** Bits per second for people: 12.5 Mbit/s. */
export function formatBits(bits: number): string {
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let value = bits;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Path data of a series: a gap (null) lifts the pen, so a missing bucket is never drawn as 0. */
function pathOf(values: ReadonlyArray<number | null>, x: (k: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, k) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(k).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

/** The month's 5-minute rates in and out, and the billed 95th percentile (of max(in, out)) as a
 * dashed line. No script: plain SVG with classes. */
export function usageChartSvg(rates: TenantRates, p95: number | null): SafeHtml {
  const count = rates.inBits.length;
  const peak = Math.max(1, p95 ?? 0, ...rates.inBits.map((v) => v ?? 0), ...rates.outBits.map((v) => v ?? 0));
  const plotW = WIDTH - LEFT - 8;
  const plotH = HEIGHT - BOTTOM - 8;
  const x = (k: number) => LEFT + (count > 1 ? (k / (count - 1)) * plotW : 0);
  const y = (v: number) => 8 + plotH - (v / peak) * plotH;
  const start = new Date(rates.from).toISOString().slice(0, 10);
  const end = new Date(rates.from + count * BUCKET_MS).toISOString().slice(0, 10);
  return html`<svg
    class="usage-chart"
    xmlns="http://www.w3.org/2000/svg"
    width="${WIDTH}"
    height="${HEIGHT}"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    role="img"
    aria-label="5-minute rates and the 95th percentile"
  >
    <line class="chart-axis" x1="${LEFT}" y1="${8 + plotH}" x2="${LEFT + plotW}" y2="${8 + plotH}"></line>
    <line class="chart-axis" x1="${LEFT}" y1="8" x2="${LEFT}" y2="${8 + plotH}"></line>
    <text class="chart-text" x="${LEFT - 4}" y="14" text-anchor="end">${formatBits(peak)}</text>
    <text class="chart-text" x="${LEFT - 4}" y="${8 + plotH}" text-anchor="end">0</text>
    <text class="chart-text" x="${LEFT}" y="${HEIGHT - 4}">${start}</text>
    <text class="chart-text" x="${LEFT + plotW}" y="${HEIGHT - 4}" text-anchor="end">${end}</text>
    <path class="chart-in" d="${pathOf(rates.inBits, x, y)}"><title>in</title></path>
    <path class="chart-out" d="${pathOf(rates.outBits, x, y)}"><title>out</title></path>
    ${p95 !== null ? html`<line class="chart-p95" data-p95="${p95}" x1="${LEFT}" y1="${y(p95).toFixed(1)}" x2="${LEFT + plotW}" y2="${y(p95).toFixed(1)}"><title>95th percentile ${formatBits(p95)}</title></line>` : ''}
  </svg>`;
}
