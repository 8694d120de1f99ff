import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// The readers at the other end of what pytin generates, used to read generated commands back the
// way the real consumer will: a POSIX shell, cron, virt-install's option parser. Tests check that
// an inventory value ends up exactly where it was meant to (one word, one field, one line).

/** The words /bin/sh makes of a command line, read by replacing nothing: the line is handed to
 * `printf '%s\0'`, a shell builtin, which prints each word the shell parsed. The shell runs with
 * an empty PATH in / so that, should a quote ever break, no program can be found to run. */
export function shellWords(commandLine: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${commandLine}`], { encoding: 'utf8', cwd: '/', env: { PATH: '/nonexistent' } });
  if (!out.endsWith('\0')) throw new Error(`the shell printed no words for ${JSON.stringify(commandLine.slice(0, 200))}`);
  return out.slice(0, -1).split('\0');
}

/** How cron (Vixie cron and cronie, do_command.c) reads the command of a cron.d line: an
 * unescaped `%` ends the command (the rest is its standard input, every further `%` a newline);
 * `\%` is a literal `%` (the backslash dropped); any other backslash stays. */
export function cronCommand(command: string): { command: string; stdin: string | null } {
  let out = '';
  let escaped = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (escaped) {
      escaped = false;
      if (c === '%') {
        out = `${out.slice(0, -1)}%`;
        continue;
      }
      out += c;
      continue;
    }
    if (c === '\\') escaped = true;
    if (c === '%') return { command: out, stdin: command.slice(i + 1).replace(/%/g, '\n') };
    out += c;
  }
  return { command: out, stdin: null };
}

/** A cron.d line as cron splits it: five time fields and the user (separated by blanks), then the
 * command to the end of the line. */
export function cronDLine(line: string): { fields: string[]; user: string; command: string } {
  const match = /^(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(.*)$/.exec(line);
  if (!match) throw new Error(`not a cron.d line: ${JSON.stringify(line)}`);
  return { fields: match.slice(1, 6), user: match[6]!, command: match[7]! };
}

const VIRTINST = '/usr/share/virt-manager';

/** Whether virt-install's own option parser is installed (Debian package virtinst). */
export const hasVirtinst = existsSync(`${VIRTINST}/virtinst/cli.py`) && existsSync('/usr/bin/python3');

/** virt-install's own parse of option strings (`source.pool=X,bus=virtio`): the `(name, value)`
 * pairs its `parse_optstr_tuples` makes of each, in one Python process. */
export function virtinstOptions(optionStrings: readonly string[]): Array<Array<[string, string | null]>> {
  const script = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(VIRTINST)})`,
    'from virtinst.cli import parse_optstr_tuples',
    'print(json.dumps([parse_optstr_tuples(s) for s in json.load(sys.stdin)]))',
  ].join('\n');
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(optionStrings), encoding: 'utf8' })) as Array<
    Array<[string, string | null]>
  >;
}

/** The line breaks of any reader pytin's files meet (Python's str.splitlines, used by
 * pykickstart, is the widest): a line holding none of them is one line to every reader. */
export const ANY_LINE_BREAK = /[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/;
