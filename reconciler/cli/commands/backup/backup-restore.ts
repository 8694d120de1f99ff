import { diagnosticToJson } from '../../../../inventory/core/diagnostic.js';
import { restoreBackup } from '../../../backup/backup-restore.js';
import { booleanOption, type Command, integerOption, UsageError } from '../../command.js';
import { EXIT_ERROR, EXIT_OK } from '../../exit-codes.js';
import { JSON_OPTION, NAME_OPTION, printDiagnostics, requiredPath, seriesName, TARGET_OPTION, USER_OPTION, userOption } from './backup-common.js';

export const backupRestoreCommand: Command = {
  name: 'backup restore',
  summary: 'restore index N of a series: its full archive, then each increment up to N',
  synopsis: '--target DIR --name NAME --index N --to DIR [--user USER] [--force] [--json]',
  options: {
    target: TARGET_OPTION,
    name: NAME_OPTION,
    user: USER_OPTION,
    index: { type: 'string', valueName: 'N', description: 'the index to restore' },
    to: { type: 'string', valueName: 'DIR', description: 'destination directory (created if missing; must be empty)' },
    force: { type: 'boolean', description: 'restore into a non-empty destination (files absent from the backup are deleted)' },
    json: JSON_OPTION,
  },
  async run(args, io) {
    const index = integerOption(args, 'index', 1);
    if (index === undefined) throw new UsageError('--index is required', this);
    const user = userOption(args, this);
    const target = requiredPath(args, 'target', this, io);
    const name = seriesName(args, this);
    const result = await restoreBackup({
      target,
      name,
      index,
      to: requiredPath(args, 'to', this, io),
      force: booleanOption(args, 'force'),
      ...(user !== undefined ? { user } : {}),
    });
    if (booleanOption(args, 'json')) {
      io.stdout.write(`${JSON.stringify({ ...result, diagnostics: result.diagnostics.map(diagnosticToJson) }, null, 2)}\n`);
    } else if (result.ok) {
      io.stdout.write(`restored index ${index} from archives ${result.chain.join(', ')}\n`);
    }
    printDiagnostics(io, result.diagnostics);
    return result.ok ? EXIT_OK : EXIT_ERROR;
  },
};
