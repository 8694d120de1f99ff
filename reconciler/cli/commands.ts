import type { Command } from './command.js';
import { validateCommand } from './commands/validate.js';
import { allocateCommand } from './commands/allocate.js';
import { schemaCommand } from './commands/schema.js';
import { observeDeviceCommand } from './commands/observe-device.js';
import { observeCommand } from './commands/observe.js';

/** Every pytin command, in the order `pytin --help` lists them. */
export const COMMANDS: readonly Command[] = [validateCommand, allocateCommand, schemaCommand, observeCommand, observeDeviceCommand];
