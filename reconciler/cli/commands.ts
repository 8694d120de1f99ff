import type { Command } from './command.js';

/** Every pytin command, in the order `pytin --help` lists them. */
export const COMMANDS: readonly Command[] = [];
