#!/usr/bin/env node
import type { Command } from './command.js';
import { runCli } from './run-cli.js';

/** The commands CI runs on every pull request load their own module only: loading every command's
 * libraries (HTTP server, SSH, SNMP, SQLite) was a third of a warm validate, and the other commands'
 * modules about 60 ms of a plan (issue 14). Any other word (help included) loads them all. */
const OWN_MODULE: Readonly<Record<string, () => Promise<Command>>> = {
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  plan: async () => (await import('./commands/plan.js')).planCommand,
};

async function commandsFor(argv: readonly string[]): Promise<readonly Command[]> {
  const own = argv[0] !== undefined && Object.hasOwn(OWN_MODULE, argv[0]) ? OWN_MODULE[argv[0]] : undefined;
  if (own) return [await own()];
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
