import { statfs } from 'node:fs/promises';

/** Kernel filesystems (statfs f_type, from linux/magic.h) whose files are views of kernel state,
 * not storage. SQLite on them misbehaves (a store under /proc spun at 100% CPU) and writes may
 * reconfigure the kernel, so no store may live there. A deny list, not an allow list: a real
 * filesystem pytin has not heard of (zfs, a new FUSE one) must keep working. devtmpfs reports
 * tmpfs's magic; its device nodes are refused as not being regular files instead. */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x73636673, 'securityfs'],
  [0x74726163, 'tracefs'],
  [0x6165676d, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0x43415d53, 'smackfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0x958458f6, 'hugetlbfs'],
  [0x19800202, 'mqueue'],
  [0x6e736673, 'nsfs'],
  [0x67596969, 'rpc_pipefs'],
]);

/** The name of the pseudo filesystem `path` (which must exist) lies on, or undefined for a
 * filesystem that stores files. */
export async function pseudoFilesystemOf(path: string): Promise<string | undefined> {
  const { type } = await statfs(path);
  // f_type is unsigned; normalise in case a platform hands it over as a signed 32-bit value.
  return PSEUDO_FILESYSTEMS.get(Number(type) >>> 0);
}
