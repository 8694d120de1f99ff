import { InternalError } from '../../../inventory/core/errors.js';
import { isInterfaceName } from '../../../schemas/formats/device-names.js';
import { canonicalIp } from '../../../schemas/formats/ip.js';

// Checks at the point of use of the values the tc driver writes into `tc -batch` lines and into
// `ip`/`tc` shell commands. A batch is not a shell, but tc splits each line into words on blanks
// and reads them as keywords: an interface name holding a blank would add words (another device,
// another filter), one holding a line break another command. The schema keeps such names out
// (format pytin-interface-name); a value failing here got past it, which is a bug: an
// InternalError, and nothing is run.

function check(ok: boolean, what: string, value: string): string {
  if (!ok) throw new InternalError(`${what} ${JSON.stringify(value.slice(0, 120))} is not safe in a tc command (the schema should have refused it)`);
  return value;
}

/** A shaped interface or a pytin ifb. */
export function tcDevice(name: string): string {
  return check(isInterfaceName(name), 'device', name);
}

/** An address in a u32 match: its canonical text, nothing else. */
export function tcAddress(ip: string): string {
  return check(canonicalIp(ip) === ip, 'address', ip);
}

/** A class id `major:minor` in hex. */
export function tcClassid(classid: string): string {
  return check(/^[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(classid), 'class id', classid);
}
