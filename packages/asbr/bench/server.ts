// Benchmark server process: the asbr app and a bare Fastify route returning the same bytes as a static
// Buffer, on two ports of one process. Prints one JSON line { asbr, bare, bytes } when both listen.
import Fastify from 'fastify';
import { parseManifest } from '@cortex-os/connectors-manifest';
import { createConnectorsMetrics, createSilentLogger } from '@cortex-os/telemetry';
import { buildApp, loadAsbrConfig } from '../src/index.js';
import { BENCH_API_KEY, BENCH_SIGNING_KEY, syntheticManifest } from './fixtures.js';

const connectors = Number(process.argv[2] ?? '50');
const manifest = parseManifest(syntheticManifest(connectors));
const config = loadAsbrConfig({
  CONNECTORS_SIGNATURE_KEY: BENCH_SIGNING_KEY,
  CONNECTORS_API_KEY: BENCH_API_KEY,
  LOG_LEVEL: 'warn',
});
const asbr = await buildApp({
  config,
  logger: createSilentLogger('asbr-bench'),
  metrics: createConnectorsMetrics(),
  readManifest: () => Promise.resolve(manifest),
});
const bytes = asbr.asbr.store.peek()?.bytes;
if (!bytes) throw new Error('brAInwav: bench manifest did not sign');
const bare = Fastify();
bare.get('/v1/connectors/service-map', (_request, reply) => reply.type('application/json').send(bytes));
const [asbrUrl, bareUrl] = await Promise.all([
  asbr.listen({ port: 0, host: '127.0.0.1' }),
  bare.listen({ port: 0, host: '127.0.0.1' }),
]);
process.stdout.write(`${JSON.stringify({ asbr: asbrUrl, bare: bareUrl, bytes: bytes.length })}\n`);
// CPU time of this process on request (IPC), so the parent can compute server CPU µs per request.
process.on('message', () => process.send?.(process.cpuUsage()));
process.on('SIGTERM', () => void Promise.all([asbr.close(), bare.close()]).then(() => process.exit(0)));
