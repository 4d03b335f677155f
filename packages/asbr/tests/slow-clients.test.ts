import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createConnectorsMetrics, createSilentLogger } from '@cortex-os/telemetry';
import { buildApp } from '../src/index.js';
import { API_KEY, MAP_PATH, testConfig } from './helpers.js';

/** Sends `first`, then `drip` every 100 ms; resolves with what the server answered once it closed the socket. */
function drip(port: number, first: string, more: string): Promise<{ afterMs: number; reply: string }> {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  let reply = '';
  let timer: NodeJS.Timeout | undefined;
  socket.once('connect', () => {
    socket.write(first); // the drip starts after the request line, however slow the connect is
    timer = setInterval(() => socket.writable && socket.write(more), 100);
  });
  socket.on('data', (d: Buffer) => (reply += d.toString()));
  socket.on('error', () => undefined);
  return new Promise((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ afterMs: Date.now() - started, reply });
    }),
  );
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('slow clients on asbr (ASBR_HEADERS_TIMEOUT_MS / ASBR_REQUEST_TIMEOUT_MS)', () => {
  it('answers 408 and closes a slowloris socket within the headers timeout while serving the map to others', async () => {
    app = await buildApp({
      config: testConfig({ ASBR_HEADERS_TIMEOUT_MS: '600', ASBR_REQUEST_TIMEOUT_MS: '1200' }),
      logger: createSilentLogger('asbr-test'),
      metrics: createConnectorsMetrics(),
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(base).port);
    const loris = drip(port, `GET ${MAP_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n`, 'X-Drip: 1\r\n');
    const slowBody = drip(
      port,
      'POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      ' ',
    );
    const res = await fetch(`${base}${MAP_PATH}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    const [l, b] = await Promise.all([loris, slowBody]);
    expect(l.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(l.afterMs).toBeGreaterThanOrEqual(550);
    expect(l.afterMs).toBeLessThan(600 + 1_500);
    expect(b.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(b.afterMs).toBeGreaterThanOrEqual(1_150);
    expect(b.afterMs).toBeLessThan(1_200 + 1_500);
  });

  it('defaults to 10 s for headers and 30 s for the whole request', () => {
    expect(testConfig().timeouts).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    expect(() => testConfig({ ASBR_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/ASBR_REQUEST_TIMEOUT_MS/);
  });
});
