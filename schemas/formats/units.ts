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

/** Quantities already read, per unit table. An inventory writes a handful of distinct ones
 * ("20GiB", "100Mbit") tens of thousands of times and validate and plan read each several times
 * (about 0.1 s of a warm plan of the generated inventory, issue 14). Bounded: the texts come from an
 * untrusted branch, so the table is emptied when full rather than grown. */
const REMEMBERED_QUANTITIES = 4096;

function rememberingParser(units: Record<string, number>): (text: string) => number | undefined {
  const known = new Map<string, number | undefined>();
  return (text) => {
    const value = known.get(text);
    if (value !== undefined || known.has(text)) return value;
    if (known.size >= REMEMBERED_QUANTITIES) known.clear();
    const parsed = parseQuantity(text, units);
    known.set(text, parsed);
    return parsed;
  };
}

/** `100Mbit` -> 100000000 bits per second; `undefined` if not a bandwidth. */
export const parseBandwidth = rememberingParser(BANDWIDTH_UNITS);

/** `20GiB` -> bytes; `undefined` if not a size. */
export const parseSize = rememberingParser(SIZE_UNITS);

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
