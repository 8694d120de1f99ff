/** Bits per second for each bandwidth unit (SI: powers of 1000, as tc and switch vendors use). */
const BANDWIDTH_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, Kbit: 1e3, Mbit: 1e6, Gbit: 1e9, Tbit: 1e12 };
/** Bytes for each size unit: IEC powers of 1024 and SI powers of 1000. */
const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
};
const QUANTITY = /^(\d+(?:\.\d+)?)\s?([A-Za-z]+)(?:\/s)?$/;

function parseQuantity(text: string, units: Record<string, number>): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const factor = units[match[2]!];
  if (factor === undefined) return undefined;
  const value = Math.round(Number(match[1]) * factor);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** `100Mbit` -> 100000000 bits per second; `undefined` if not a bandwidth. */
export function parseBandwidth(text: string): number | undefined {
  return parseQuantity(text, BANDWIDTH_UNITS);
}

/** `20GiB` -> bytes; `undefined` if not a size. */
export function parseSize(text: string): number | undefined {
  return parseQuantity(text, SIZE_UNITS);
}

export function formatBandwidth(bitsPerSecond: number): string {
  for (const [unit, factor] of [
    ['Tbit', 1e12],
    ['Gbit', 1e9],
    ['Mbit', 1e6],
    ['kbit', 1e3],
  ] as const) {
    if (bitsPerSecond >= factor && bitsPerSecond % factor === 0) return `${bitsPerSecond / factor}${unit}`;
  }
  return `${bitsPerSecond}bit`;
}
