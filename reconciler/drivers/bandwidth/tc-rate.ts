import { parseTcRate } from './parse-tc.js';

/**
 * HTB keeps rates in whole bytes per second and tc prints them with at most three significant
 * digits once past 1000 of a unit (iproute2's print_rate: it divides by 1000 while the rate
 * divides evenly or is at least a million). pytin applies rates at exactly that precision, so what
 * it writes is what it reads back: a plan never shows a difference tc cannot store.
 */
export function tcPrintedRate(bitsPerSecond: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let rate = Math.floor(bitsPerSecond / 8) * 8;
  let unit = 0;
  while (unit < units.length - 1) {
    if (rate < 1000) break;
    if (rate % 1000 !== 0 && rate < 1000 * 1000) break;
    rate = Math.floor(rate / 1000);
    unit++;
  }
  return `${rate}${units[unit]}bit`;
}

/** The rate tc will report for a requested rate (always <= the request, by less than 0.1%). */
export function quantizeRate(bitsPerSecond: number): number {
  return parseTcRate(tcPrintedRate(bitsPerSecond))!;
}

/** tc's size words (`1600b`, `15Kb`, `1Mb`: powers of 1024) to bytes. */
export function parseTcSize(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(b|Kb|Mb|Gb)$/.exec(text);
  if (!match) return null;
  const scale = { b: 1, Kb: 1024, Mb: 1024 ** 2, Gb: 1024 ** 3 }[match[2] as 'b' | 'Kb' | 'Mb' | 'Gb'];
  return Math.round(Number(match[1]) * scale);
}
