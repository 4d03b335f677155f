import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { API_KEY, controlledSource, signedMapText, startApp, testEnv } from './helpers.js';

/** Opens a socket that drips `first`, then one `drip` every `everyMs`; resolves when the server closes it. */
function dripSocket(
  port: number,
  first: string,
  drip: string,
  everyMs: number,
): { closed: Promise<{ afterMs: number; reply: string }>; socket: Socket } {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  let reply = '';
  let timer: NodeJS.Timeout | undefined;
  socket.once('connect', () => {
    socket.write(first);
    timer = setInterval(() => socket.writable && socket.write(drip), everyMs);
  });
  socket.on('data', (d: Buffer) => (reply += d.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<{ afterMs: number; reply: string }>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ afterMs: Date.now() - started, reply });
    }),
  );
  return { closed, socket };
}

describe('slow clients on the connectors server (CONNECTORS_HEADERS_TIMEOUT_MS / CONNECTORS_REQUEST_TIMEOUT_MS)', () => {
  let app: FastifyInstance;
  let port: number;
  const HEADERS_MS = 600;
  const REQUEST_MS = 1_200;

  beforeAll(async () => {
    const env = testEnv({
      CONNECTORS_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      CONNECTORS_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
    });
    app = await startApp(env, controlledSource(await signedMapText([])));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('closes a slowloris socket (headers dripping) with 408 within the headers timeout, a slow body within the request timeout, and keeps serving others', async () => {
    const loris = dripSocket(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Drip: 1\r\n', 100);
    const body = dripSocket(
      port,
      `POST /v1/connectors/x/tools/y/call HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      ' ',
      100,
    );
    const started = Date.now();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(HEADERS_MS);
    const [l, b] = await Promise.all([loris.closed, body.closed]);
    expect(l.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(l.afterMs).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(l.afterMs).toBeLessThan(HEADERS_MS + 1_500); // checked every second at most
    expect(b.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(b.afterMs).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(b.afterMs).toBeLessThan(REQUEST_MS + 1_500);
  });

  it('refuses a headers timeout above the request timeout, naming the variable', async () => {
    await expect(() =>
      startApp(
        testEnv({ CONNECTORS_HEADERS_TIMEOUT_MS: '5000', CONNECTORS_REQUEST_TIMEOUT_MS: '1000' }),
        controlledSource(''),
      ),
    ).rejects.toThrow(/CONNECTORS_HEADERS_TIMEOUT_MS/);
  });
});
