import type { Command } from './command.js';
import { backupRunCommand } from './commands/backup-run.js';
import { backupRestoreCommand } from './commands/backup-restore.js';
import { backupListCommand } from './commands/backup-list.js';
import { backupVerifyCommand } from './commands/backup-verify.js';

/** Every pytin command, in the order `pytin --help` lists them. */
export const COMMANDS: readonly Command[] = [backupRunCommand, backupRestoreCommand, backupListCommand, backupVerifyCommand];
