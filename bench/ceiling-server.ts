// The ceiling: a bare Fastify route answering the same bytes from memory, no hooks, no plugins.
import fs from 'node:fs';
import Fastify from 'fastify';

const [file, port] = process.argv.slice(2);
const body = fs.readFileSync(file!, 'utf8');
const app = Fastify({ logger: false });
app.get('/page', (_req, reply) => reply.type('text/html; charset=utf-8').send(body));
await app.listen({ port: Number(port), host: '127.0.0.1' });
