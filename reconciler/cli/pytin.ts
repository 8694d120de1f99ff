#!/usr/bin/env node
import { COMMANDS } from './commands.js';
import { runCli } from './run-cli.js';

const exitCode = await runCli(COMMANDS, process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
});
// Let pending writes to a pipe finish before the process ends.
process.exitCode = exitCode;
