// `pytin serve` runs this file as its own process (reconciler/ never imports server/): it opens
// the store, builds the API and listens until SIGTERM or SIGINT, then closes both.
import { parseArgs } from 'node:util';

import { StoreRefusedError } from '../reconciler/store/file/store-error.js';
import { openStore } from '../reconciler/store/open-store.js';
import { build } from './build.js';

function fail(message: string): never {
  process.stderr.write(`pytin serve: ${message}\n`);
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      store: { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'rate-limit': { type: 'string' },
      'answer-cache-mb': { type: 'string' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (!values.store) fail('--store FILE is required');
if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) fail(`--port must be 0..65535, got "${values.port}"`);
const rate = values['rate-limit'];
if (rate !== undefined && !/^[1-9]\d{0,6}$/.test(rate)) fail(`--rate-limit must be a positive whole number of requests a minute, got "${rate}"`);

const cacheMb = values['answer-cache-mb'];
if (cacheMb !== undefined && !/^\d{1,5}$/.test(cacheMb)) fail(`--answer-cache-mb must be a whole number of MiB, got "${cacheMb}"`);

let store;
try {
  store = await openStore(values.store);
} catch (error) {
  if (error instanceof StoreRefusedError) fail(`${error.diagnostic.code}: ${error.diagnostic.summary}`);
  throw error;
}
const app = await build({
  store,
  accessLog: process.stdout,
  corsOrigins: values['cors-origin'] ?? [],
  ...(cacheMb !== undefined ? { answerCacheBytes: Number(cacheMb) * 1024 * 1024 } : {}),
  ...(rate ? { rateLimit: { perMinute: Number(rate), burst: Math.max(1, Math.ceil(Number(rate) / 10)) } } : {}),
});
const address = await app
  .listen({ host: values.host, port: Number(values.port) })
  .catch((error: Error) => fail(`cannot listen on ${values.host}:${values.port}: ${error.message}`));
process.stderr.write(`pytin serve: listening on ${address} (store ${store.path})\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void app
    .close()
    .then(() => store.close())
    .finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
