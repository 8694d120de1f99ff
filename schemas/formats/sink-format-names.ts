/** What each format of a value that reaches a shell, cron line, URI, option string or file name
 * accepts, in the words a diagnostic uses after "is not" (inventory/validate/schema-diagnostics.ts
 * FORMAT_NAMES has the same for the other formats). */
export const SINK_FORMAT_NAMES: Readonly<Record<string, string>> = {
  'pytin-libvirt-uri':
    'a libvirt URI pytin accepts: qemu (/system, /session) or test (/default, /PATH.xml), over no transport, unix, tls or tcp, with only socket= and mode= parameters for local connections (ext and the ssh transports run programs named in the URI)',
  'pytin-host-path':
    'an absolute, normalised path of ASCII letters, digits, ".", "_", "+", "@" and "-" (no "..", ".", "//" or trailing "/"; no blank, quote, "%", ",", "=", ":" or control character)',
  'pytin-backup-target':
    'a backup target: an absolute, normalised path of safe characters that is not a system folder (/, /etc..., /usr..., /home, /var, /tmp, ...; see the schema)',
  'pytin-inventory-path': 'a path inside the inventory (relative, no "..", "." or empty segment, safe characters only)',
  'pytin-program': 'a program: a name found in PATH or an absolute normalised path, one word without arguments',
  'pytin-interface-name': 'an interface name (ASCII letters, digits, "_", "." and "-", not starting with "-" or ".", at most 15 characters)',
  'pytin-storage-pool': 'a storage pool name (ASCII letters, digits, "_", "." and "-", not starting with "-" or ".", at most 64 characters)',
  'pytin-install-tree': 'an install tree: an http, https, ftp or nfs URL without user, query or fragment, or an absolute normalised path (never "," or "=")',
  'pytin-http-url': 'an http or https URL: host, optional port and path, without user, password, query or fragment',
};
