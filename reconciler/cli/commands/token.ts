import { isResourceName } from '../../../schemas/formats/names.js';
import { renderDiagnosticsHuman } from '../../render/diagnostics.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../store/api/api-tokens.js';
import { booleanOption, type Command, type ParsedCommandArgs, stringOption, UsageError } from '../command.js';
import { EXIT_ERROR, EXIT_OK } from '../exit-codes.js';
import { INVENTORY_OPTIONS } from '../inventory-options.js';
import { STATE_OPTIONS } from '../state-options.js';
import { withStore } from './lock.js';

function tokenName(args: ParsedCommandArgs, command: Command): string {
  const name = stringOption(args, 'name');
  if (name === undefined) throw new UsageError('--name is required', command);
  if (!isResourceName(name)) throw new UsageError(`--name must be lower-case letters, digits, ".", "_" or "-" (at most 63), got "${name}"`, command);
  return name;
}

const NAME_OPTION = { name: { type: 'string' as const, valueName: 'NAME', description: 'who the token is for, e.g. billing' } };

export const tokenCreateCommand: Command = {
  name: 'token create',
  summary: 'issue an API token for `pytin serve` (printed once, stored hashed)',
  synopsis: '--name NAME [--store FILE]',
  options: { ...INVENTORY_OPTIONS, ...STATE_OPTIONS, ...NAME_OPTION },
  run: (args, io) => {
    const name = tokenName(args, tokenCreateCommand);
    return withStore(args, io, async (store) => {
      const made = await createApiToken(store, name, Date.now());
      if (!made.created) {
        io.stderr.write(
          renderDiagnosticsHuman([
            {
              severity: 'error',
              code: 'API_TOKEN_NAME_IN_USE',
              summary: `a token named "${name}" exists and is not revoked`,
              detail: `pytin token revoke --name ${name} first, or choose another name.`,
            },
          ]),
        );
        return EXIT_ERROR;
      }
      io.stdout.write(`${made.token}\n`);
      io.stderr.write(`Token "${name}" created. It is shown this once: pytin keeps only its hash. Send it as Authorization: Bearer <token>.\n`);
      return EXIT_OK;
    });
  },
};

export const tokenListCommand: Command = {
  name: 'token list',
  summary: 'list API tokens (names and dates, never the tokens)',
  synopsis: '[--json] [--store FILE]',
  options: { ...INVENTORY_OPTIONS, ...STATE_OPTIONS, json: { type: 'boolean', description: 'one JSON object per line' } },
  run: (args, io) =>
    withStore(args, io, async (store) => {
      const tokens = await listApiTokens(store);
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      if (booleanOption(args, 'json')) {
        for (const t of tokens) io.stdout.write(`${JSON.stringify({ name: t.name, createdAt: iso(t.createdAt), revokedAt: iso(t.revokedAt) })}\n`);
      } else if (tokens.length === 0) io.stdout.write('No tokens. pytin token create --name NAME issues one.\n');
      else
        for (const t of tokens)
          io.stdout.write(`${t.name.padEnd(24)} created ${iso(t.createdAt)}${t.revokedAt === null ? '' : `  revoked ${iso(t.revokedAt)}`}\n`);
      return EXIT_OK;
    }),
};

export const tokenRevokeCommand: Command = {
  name: 'token revoke',
  summary: 'revoke an API token: refused from the next request on',
  synopsis: '--name NAME [--store FILE]',
  options: { ...INVENTORY_OPTIONS, ...STATE_OPTIONS, ...NAME_OPTION },
  run: (args, io) => {
    const name = tokenName(args, tokenRevokeCommand);
    return withStore(args, io, async (store) => {
      if (await revokeApiToken(store, name, Date.now())) {
        io.stdout.write(`Token "${name}" revoked.\n`);
        return EXIT_OK;
      }
      io.stderr.write(renderDiagnosticsHuman([{ severity: 'error', code: 'API_TOKEN_UNKNOWN', summary: `no token named "${name}" that is not revoked` }]));
      return EXIT_ERROR;
    });
  },
};
