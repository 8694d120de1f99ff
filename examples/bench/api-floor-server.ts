// The floor of bench:api: a bare fastify app answering one route with fixed bytes held in
// memory (the very bytes pytin's API answered), in a process of its own like the API's.
// Usage: node api-floor-server.js BODY_FILE; prints "listening on URL" on stderr.
import { readFileSync } from 'node:fs';

import Fastify from 'fastify';

const body = readFileSync(process.argv[2]!);
const app = Fastify({ logger: false });
app.get('/v1/ip-addresses', (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`listening on ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
