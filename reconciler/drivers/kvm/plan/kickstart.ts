/** The values a kickstart template may use. `null`: the inventory has no value for it (a pool
 * without a gateway): an error only if the template asks for it. */
export interface KickstartValues {
  ip: string | null;
  netmask: string | null;
  gateway: string | null;
  /** Comma-separated, as kickstart's `network --nameserver` takes them. */
  dns: string | null;
  hostname: string;
  /** The tenant's SSH public keys. */
  sshKeys: readonly string[];
}

export type KickstartResult = { ok: true; text: string } | { ok: false; problems: string[] };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]*)\s*\}\}/g;
const SCALARS = ['ip', 'netmask', 'gateway', 'dns', 'hostname'] as const;
type Scalar = (typeof SCALARS)[number];
/** One OpenSSH public key, as it goes between the double quotes of kickstart's `sshkey` line: its
 * comment is printable ASCII without `"` or `\` (a quote would end the argument; a vertical tab,
 * U+0085 or U+2028 is a line break to Python's splitlines, which would start a new kickstart
 * command such as `%post`). The Tenant schema allows the same. */
const SSH_KEY = /^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+) [A-Za-z0-9+/=]+( [ !#-[\]-~]*)?$/;
/** Kickstart options that carry a password. pytin's guests get root access by SSH key only (the
 * old tool baked one root password into every guest). */
const PASSWORD_OPTION = /--(plaintext|iscrypted|password)\b/;

function isScalar(name: string): name is Scalar {
  return (SCALARS as readonly string[]).includes(name);
}

/** Fills a kickstart template. `{{name}}` placeholders: ip, netmask, gateway, dns, hostname and
 * sshKeys. A line with `{{sshKeys}}` is written once per key (kickstart's `sshkey` takes one key
 * per line). Refused, with every problem listed: an unknown placeholder, an unclosed `{{`, a value
 * the inventory lacks (comment lines are copied as written), no SSH key at all (the guest would have no way in), a key that is not one
 * line of OpenSSH public key, and any password in the result (`rootpw` must be `rootpw --lock`). */
export function renderKickstart(template: string, values: KickstartValues): KickstartResult {
  const problems: string[] = [];
  const lines: string[] = [];
  template.split('\n').forEach((line, index) => {
    const where = `line ${index + 1}`;
    // Comments are copied as written: templates explain their placeholders in them.
    if (line.trimStart().startsWith('#')) {
      lines.push(line);
      return;
    }
    const withoutPlaceholders = line.replace(PLACEHOLDER, '');
    if (withoutPlaceholders.includes('{{') || withoutPlaceholders.includes('}}')) problems.push(`${where}: unclosed or malformed placeholder`);
    const names = [...line.matchAll(PLACEHOLDER)].map((m) => m[1]!);
    for (const name of names) {
      if (name !== 'sshKeys' && !isScalar(name)) problems.push(`${where}: unknown placeholder {{${name}}}`);
      else if (isScalar(name) && values[name] === null) problems.push(`${where}: {{${name}}} has no value for this VM`);
    }
    const fill = (key: string | null) =>
      line.replace(PLACEHOLDER, (_whole, name: string) => (name === 'sshKeys' ? (key ?? '') : isScalar(name) ? (values[name] ?? '') : ''));
    if (names.includes('sshKeys')) {
      if (values.sshKeys.length === 0) problems.push(`${where}: {{sshKeys}}: the tenant has no SSH key, the guest would have no root access`);
      for (const key of values.sshKeys) {
        if (!SSH_KEY.test(key)) problems.push(`${where}: an SSH key of the tenant is not a one-line OpenSSH public key: ${key.slice(0, 40)}`);
        lines.push(fill(key));
      }
    } else lines.push(fill(null));
  });
  for (const [index, line] of lines.entries()) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'rootpw' && !(words.length === 2 && words[1] === '--lock')) {
      problems.push(`rendered line ${index + 1}: "rootpw" must be "rootpw --lock": no root password, root logs in by SSH key`);
    } else if (!line.trimStart().startsWith('#') && PASSWORD_OPTION.test(line)) {
      problems.push(`rendered line ${index + 1}: a password option in the kickstart; pytin guests have no passwords`);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, text: lines.join('\n') };
}
