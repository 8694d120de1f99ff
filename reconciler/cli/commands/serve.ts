import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { renderDiagnosticsHuman } from '../../render/diagnostics.js';
import { type Command, integerOption, stringOption } from '../command.js';
import { EXIT_ERROR, EXIT_OK, type ExitCode } from '../exit-codes.js';
import { INVENTORY_OPTIONS, readInventoryFromArgs } from '../inventory-options.js';
import { operatorConfigFrom, STATE_OPTIONS, statePathsFrom } from '../state-options.js';

/** The API server's entry. reconciler/ never imports server/ (imports run server -> reconciler),
 * so `pytin serve` starts it as a process of its own, the way a service manager would. */
const SERVER_MAIN = fileURLToPath(new URL('../../../server/main.js', import.meta.url));

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the read-only API for billing (GET /v1/...; tokens from pytin token create)',
  synopsis: '[--host 127.0.0.1] [--port 8080] [--store FILE] [--cors-origin ORIGIN ...] [--rate-limit N]',
  options: {
    ...INVENTORY_OPTIONS,
    ...STATE_OPTIONS,
    host: { type: 'string', valueName: 'HOST', description: 'address to listen on (default 127.0.0.1: loopback only)' },
    port: { type: 'string', valueName: 'PORT', description: 'TCP port (default 8080; 0 picks a free one)' },
    'cors-origin': { type: 'string', multiple: true, valueName: 'ORIGIN', description: 'a browser origin allowed to read the API (default: none, no CORS)' },
    'rate-limit': { type: 'string', valueName: 'N', description: 'requests a minute per token (default 6000, bursts of 500)' },
    'answer-cache-mb': { type: 'string', valueName: 'MB', description: 'memory for answers kept by ETag (default 32; 0: none)' },
  },
  run: async (args, io): Promise<ExitCode> => {
    const port = integerOption(args, 'port', 0) ?? 8080;
    const rate = integerOption(args, 'rate-limit', 1);
    const cacheMb = integerOption(args, 'answer-cache-mb', 0);
    const operator = operatorConfigFrom(args, io);
    if (Array.isArray(operator)) {
      io.stderr.write(renderDiagnosticsHuman(operator));
      return EXIT_ERROR;
    }
    const root = stringOption(args, 'store') === undefined ? (await readInventoryFromArgs(args, io)).rootDir : io.cwd;
    const store = statePathsFrom(args, io, operator, root).store;
    const origins = (args.values['cors-origin'] as string[] | undefined) ?? [];
    const argv = [
      SERVER_MAIN,
      '--host',
      stringOption(args, 'host') ?? '127.0.0.1',
      '--port',
      String(port),
      '--store',
      store,
      ...origins.flatMap((o) => ['--cors-origin', o]),
      ...(rate === undefined ? [] : ['--rate-limit', String(rate)]),
      ...(cacheMb === undefined ? [] : ['--answer-cache-mb', String(cacheMb)]),
    ];
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: io.env });
    child.stdout.pipe(io.stdout, { end: false });
    child.stderr.pipe(io.stderr, { end: false });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onTerm = forward('SIGTERM');
    const onInt = forward('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', resolve);
      });
      return code === 0 ? EXIT_OK : EXIT_ERROR;
    } finally {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
    }
  },
};
