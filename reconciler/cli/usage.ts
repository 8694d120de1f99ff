import type { Command } from './command.js';

export function commandUsage(command: Command): string {
  const lines = [`Usage: pytin ${command.name} ${command.synopsis}`.trimEnd(), '', command.summary, ''];
  const entries = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return [flag, spec.description + (spec.multiple ? ' (repeatable)' : '')] as const;
  });
  entries.push(['--debug', 'print stack traces of internal errors']);
  entries.push(['-h, --help', 'show this help']);
  const width = Math.max(...entries.map(([flag]) => flag.length));
  lines.push('Options:');
  for (const [flag, text] of entries) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  return lines.join('\n') + '\n';
}

export function generalUsage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: pytin COMMAND [OPTIONS]',
    '',
    'pytin reconciles a datacenter with its description in git.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 success, 1 errors, 2 changes present, 3 no changes but part of the inventory not compared (both plan --detailed-exitcode).',
    'Run `pytin COMMAND --help` for the options of a command; `pytin --version` for the version and commit.',
    '',
  ].join('\n');
}
