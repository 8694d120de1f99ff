import { diagnosticToJson } from '../../../../inventory/core/diagnostic.js';
import { verifySeries } from '../../../backup/backup-verify.js';
import { booleanOption, type Command } from '../../command.js';
import { EXIT_ERROR, EXIT_OK } from '../../exit-codes.js';
import { JSON_OPTION, NAME_OPTION, printDiagnostics, requiredPath, seriesName, TARGET_OPTION, USER_OPTION, userOption } from './backup-common.js';

export const backupVerifyCommand: Command = {
  name: 'backup verify',
  summary: 'check every archive of a series: recorded size and sha256, and that tar reads it to the end',
  synopsis: '--target DIR --name NAME [--user USER] [--json]',
  options: { target: TARGET_OPTION, name: NAME_OPTION, user: USER_OPTION, json: JSON_OPTION },
  async run(args, io) {
    const user = userOption(args, this);
    const target = requiredPath(args, 'target', this, io);
    const result = await verifySeries(target, seriesName(args, this), user);
    if (booleanOption(args, 'json')) {
      io.stdout.write(`${JSON.stringify({ ...result, diagnostics: result.diagnostics.map(diagnosticToJson) }, null, 2)}\n`);
    } else {
      for (const a of result.archives)
        io.stdout.write(`${a.ok ? 'ok  ' : 'BAD '} ${a.index}  ${a.file}${a.problems.length ? `  ${a.problems.join(', ')}` : ''}\n`);
    }
    printDiagnostics(io, result.diagnostics);
    return result.ok ? EXIT_OK : EXIT_ERROR;
  },
};
