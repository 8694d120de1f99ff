#!/usr/bin/env node
import type { Command } from './command.js';
import { runCli } from './run-cli.js';

/** `pytin validate` loads its own command only: CI runs it on every pull request, and loading every
 * command's libraries (HTTP server, SSH, SNMP, SQLite) was a third of a warm validate (issue 14).
 * Anything else (help included) loads them all. */
async function commandsFor(argv: readonly string[]): Promise<readonly Command[]> {
  if (argv[0] === 'validate') return [(await import('./commands/validate.js')).validateCommand];
  return (await import('./commands.js')).COMMANDS;
}

const argv = process.argv.slice(2);
const exitCode = await runCli(await commandsFor(argv), argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
});
// Let pending writes to a pipe finish before the process ends.
process.exitCode = exitCode;
