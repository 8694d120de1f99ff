import type { Command } from './command.js';
import { allocateCommand } from './commands/allocate.js';
import { applyCommand } from './commands/apply.js';
import { backupListCommand } from './commands/backup/backup-list.js';
import { backupRestoreCommand } from './commands/backup/backup-restore.js';
import { backupRunCommand } from './commands/backup/backup-run.js';
import { backupVerifyCommand } from './commands/backup/backup-verify.js';
import { lockBreakCommand, lockStatusCommand } from './commands/lock.js';
import { observeCommand } from './commands/observe.js';
import { observeDeviceCommand } from './commands/observe-device.js';
import { planCommand } from './commands/plan.js';
import { publishZabbixCommand } from './commands/publish/publish-zabbix.js';
import { schemaCommand } from './commands/schema.js';
import { serveCommand } from './commands/serve.js';
import { showCommand } from './commands/show.js';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from './commands/token.js';
import { validateCommand } from './commands/validate.js';

/** Every pytin command, in the order `pytin --help` lists them. */
export const COMMANDS: readonly Command[] = [
  validateCommand,
  allocateCommand,
  schemaCommand,
  observeCommand,
  observeDeviceCommand,
  planCommand,
  applyCommand,
  publishZabbixCommand,
  lockStatusCommand,
  lockBreakCommand,
  backupRunCommand,
  backupRestoreCommand,
  backupListCommand,
  backupVerifyCommand,
  serveCommand,
  tokenCreateCommand,
  tokenListCommand,
  tokenRevokeCommand,
  showCommand,
];
