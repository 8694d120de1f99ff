import { parseBandwidth, parseSize } from '../../../../schemas/formats/units.js';

/** libvirt's `<bandwidth>` rates are "kilobytes per second" and libvirt hands the number to tc as
 * `kbps`, which tc reads as 1000 bytes/s (checked: `rate 12500kbps` shows as `100Mbit`). So
 * bits/s / 8000 gives exactly the contracted rate; dividing by 8192 would shape 2.3% below it.
 * Rounded up so a limit is never 0 (0 means "no limit" to domiftune). */
export function bitsToLibvirtRate(bitsPerSecond: number): number {
  return Math.max(1, Math.ceil(bitsPerSecond / 8000));
}

/** libvirt's `burst` is in kibibytes (tc `kb` sizes are 1024 bytes). Rounded up, at least 1. */
export function bytesToBurstKiB(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** `100Mbit` -> libvirt rate, or undefined if not a bandwidth. */
export function libvirtRate(text: string): number | undefined {
  const bits = parseBandwidth(text);
  return bits === undefined ? undefined : bitsToLibvirtRate(bits);
}

/** `4GiB` -> KiB (libvirt's memory unit), rounded up; undefined if not a size. */
export function sizeToKiB(text: string): number | undefined {
  const bytes = parseSize(text);
  return bytes === undefined ? undefined : Math.ceil(bytes / 1024);
}

export function sizeToBytes(text: string): number | undefined {
  return parseSize(text);
}
