import { InternalError } from '../../../../inventory/core/errors.js';
import { isInterfaceName, isStoragePoolName } from '../../../../schemas/formats/device-names.js';
import { isLibvirtUri } from '../../../../schemas/formats/libvirt-uri.js';
import { normaliseMac } from '../../../../schemas/formats/mac.js';
import { isResourceName } from '../../../../schemas/formats/names.js';
import { isInstallTree } from '../../../../schemas/formats/urls.js';

// Checks at the point of use of every inventory value the KVM driver puts on a command line, in
// a URI, in a virt-install option or in a file name. The schemas refuse all of these values at
// validate (schemas/formats/); a value that fails here got past them, which is a bug: an
// InternalError, and nothing is run.

function check(ok: boolean, what: string, value: string): string {
  if (!ok) throw new InternalError(`${what} ${JSON.stringify(value.slice(0, 120))} is not safe to use (the schema should have refused it)`);
  return value;
}

/** A libvirt URI for `virsh -c` and `virt-install --connect`: only the transports and parameters
 * that run no program and read no file (schemas/formats/libvirt-uri.ts). */
export function checkedUri(uri: string): string {
  return check(isLibvirtUri(uri), 'libvirt URI', uri);
}

/** A domain name: a virsh argument and part of the kickstart's file name. */
export function checkedDomainName(name: string): string {
  return check(isResourceName(name), 'domain name', name);
}

export function checkedPool(pool: string): string {
  return check(isStoragePoolName(pool), 'storage pool', pool);
}

/** A volume name pytin makes: `<vm>-<disk>`, both resource-name characters. */
export function checkedVolume(volume: string): string {
  return check(/^[a-z0-9][a-z0-9._-]{0,127}$/.test(volume), 'volume', volume);
}

/** A disk's target device as pytin names it (vda, sdb: desired-domains.ts). */
export function checkedDiskTarget(target: string): string {
  return check(/^(vd|sd)[a-z]$/.test(target), 'disk target', target);
}

export function checkedBridge(bridge: string): string {
  return check(isInterfaceName(bridge), 'bridge', bridge);
}

export function checkedMac(mac: string): string {
  return check(normaliseMac(mac) === mac, 'MAC address', mac);
}

export function checkedInstallTree(tree: string): string {
  return check(isInstallTree(tree), 'install tree', tree);
}

/** One value of a virt-install option string (`--disk source.pool=X,...`, `--location X`).
 * virt-install splits option strings like a shell with `,` as the only blank (Python's shlex:
 * quotes and backslashes are syntax), then each piece on its first `=`: none of these may be in
 * a value, nor any blank or control character. */
export function optionValue(text: string): string {
  return check(text !== '' && !/[,="'\\\s\0-\x1f\x7f-\x9f]/.test(text), 'virt-install option value', text);
}

/** `key=value,key=value` for virt-install, each value checked. */
export function subOptions(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([key, value]) => `${key}=${optionValue(value)}`).join(',');
}
