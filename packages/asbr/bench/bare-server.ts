// Baseline of the as-deployed benchmark: a bare Fastify app (no logger, no hooks) in its own process, answering
// the bytes of the file named in argv[2] as application/json on argv[3] (default the service-map path).
// `GET /events` is a bare SSE stream: one `snapshot` event with the same bytes, then held open.
// Listens on PORT; `GET /readyz` answers 200 once listening.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const bytes = readFileSync(process.argv[2]!);
const path = process.argv[3] ?? '/v1/connectors/service-map';
const app = Fastify();
app.get(path, (_request, reply) => reply.type('application/json').send(bytes));
app.get('/events', (request, reply) => {
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  reply.raw.write(`id: 1\nevent: snapshot\ndata: ${bytes.toString('utf8').replaceAll('\n', '')}\n\n`);
  request.raw.once('close', () => reply.raw.end());
});
app.get('/readyz', (_request, reply) => reply.send({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
