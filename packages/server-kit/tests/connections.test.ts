import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { closeConnectionsOnClose } from '@cortex-os/server-kit';

async function listening(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
}

/** A client connection that never sends a request (a keep-alive socket opened ahead of need). */
async function silentSocket(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.on('error', () => undefined);
  return socket;
}

async function closeMs(app: FastifyInstance): Promise<number> {
  const started = Date.now();
  await app.close();
  return Date.now() - started;
}

describe('closeConnectionsOnClose', () => {
  it('lets close() finish at once although a client holds a connection that never carried a request', async () => {
    const app = Fastify();
    app.get('/x', () => ({ ok: true }));
    closeConnectionsOnClose(app);
    const port = await listening(app);
    const silent = await silentSocket(port);
    const used = await fetch(`http://127.0.0.1:${port}/x`);
    expect(await used.json()).toEqual({ ok: true });
    const closed = new Promise<boolean>((resolve) => silent.once('close', () => resolve(true)));
    expect(await closeMs(app)).toBeLessThan(1_000);
    expect(await closed).toBe(true);
  });

  it('without it, the same connection holds close() until the client gives up (what it fixes)', async () => {
    const app = Fastify();
    const port = await listening(app);
    const silent = await silentSocket(port);
    setTimeout(() => silent.destroy(), 1_500); // the client's own keep-alive timeout, shortened
    expect(await closeMs(app)).toBeGreaterThanOrEqual(1_400);
  });

  it('answers a request in flight, then closes its connection at once (not at the keep-alive timeout)', async () => {
    const app = Fastify();
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { done: true };
    });
    closeConnectionsOnClose(app);
    const port = await listening(app);
    const answer = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.json());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await closeMs(app)).toBeLessThan(1_000);
    expect(await answer).toEqual({ done: true });
  });
});
