/** Paths an inventory value names on a host or in the inventory. Each reaches a shell command, a
 * cron.d line, a virt-install option or a file name, so the forms are strict and the same
 * predicates are checked again where the value is used (drivers).
 *
 * A path segment is ASCII letters, digits and `. _ + @ -`, never `.` or `..`. Left out on purpose:
 * - whitespace and control characters (shells, cron, tc and line-based files split on them; the
 *   Unicode line breaks \x85 \u2028 \u2029 split lines for other readers);
 * - `%`: cron turns it into a line break, and cron's `\%` escape cannot protect a value that ends
 *   in a backslash (`\\%` still ends the command), nor is it the same in every cron;
 * - `\`, quotes, `$`, backticks, `;`, `&`, `|`, `<`, `>`, `*`, `?`, `[`, `#`, `~`: shell syntax,
 *   even though every shell word is quoted at the point of use;
 * - `,` and `=`: virt-install and libvirt split sub-options on them;
 * - `:`: GNU tar reads `host:file` as a remote archive.
 * Non-ASCII letters are left out too: one byte = one character keeps length bounds honest. */
const SEGMENT = /^[A-Za-z0-9_.+@-]+$/;

/** Longest path accepted: far beyond any real one, short enough for every sink. */
export const MAX_PATH_LENGTH = 1024;

function isSegment(segment: string): boolean {
  return SEGMENT.test(segment) && segment !== '.' && segment !== '..';
}

/** An absolute, normalised host path: `/` or `/seg/seg...` with safe segments, no empty (`//`),
 * `.` or `..` segment, no trailing `/`. */
export function isHostPath(text: string): boolean {
  if (text === '/') return true;
  if (text.length > MAX_PATH_LENGTH || !text.startsWith('/')) return false;
  return text.slice(1).split('/').every(isSegment);
}

/** A path relative to the inventory root (a kickstart template): safe segments, no leading `/`,
 * no `.` or `..` segment, so it can only name a file inside the inventory. */
export function isInventoryPath(text: string): boolean {
  if (text.length === 0 || text.length > MAX_PATH_LENGTH) return false;
  return text.split('/').every(isSegment);
}

/** A program: a name looked up in the host's PATH (`pytin`) or an absolute path
 * (`/usr/local/bin/pytin`). One word, never an option (no leading `-`), never arguments. */
export function isProgram(text: string): boolean {
  if (text.startsWith('/')) return text !== '/' && text.length <= 256 && isHostPath(text);
  return /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/.test(text);
}

/** Folders that are never a backup target, with everything under them: the system reads what is
 * in them as configuration or code (a file pytin writes into /etc/logrotate.d or /etc/sudoers.d
 * would be read as configuration by root), or they are virtual or volatile file systems. */
export const SYSTEM_TREES: readonly string[] = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/var/spool/cron',
];

/** Folders that are never a backup target themselves (a folder below them is fine): shared
 * top-level folders. A target is a folder whose content pytin owns (archives, snapshots, index,
 * lock, exclude file), which these never are; `/home` would also back up into itself. */
export const SHARED_FOLDERS: readonly string[] = [
  '/',
  '/home',
  '/media',
  '/mnt',
  '/opt',
  '/srv',
  '/tmp',
  '/var',
  '/var/cache',
  '/var/lib',
  '/var/log',
  '/var/spool',
  '/var/tmp',
];

/** Why a host path cannot be a backup target, or undefined when it can. */
export function systemFolderOf(path: string): string | undefined {
  if (SHARED_FOLDERS.includes(path)) return path;
  return SYSTEM_TREES.find((tree) => path === tree || path.startsWith(`${tree}/`));
}

/** A backup target: a host path that is not a system folder (see SYSTEM_TREES, SHARED_FOLDERS). */
export function isBackupTarget(text: string): boolean {
  return isHostPath(text) && systemFolderOf(text) === undefined;
}
