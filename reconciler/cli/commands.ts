import type { Command } from './command.js';
import { observeDeviceCommand } from './commands/observe-device.js';

/** Every pytin command, in the order `pytin --help` lists them. */
export const COMMANDS: readonly Command[] = [observeDeviceCommand];
