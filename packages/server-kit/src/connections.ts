import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Lets `app.close()` finish as soon as the calls in flight are answered, instead of waiting on clients' keep-alive
 * connections. Two kinds hold Node's `server.close()`: connections that never carried a request (clients open
 * them ahead of need; undici when a request waits and another socket frees up first: Node counts them busy, so
 * close waits for the client's keep-alive timeout, 4 s for undici), and connections whose request was still in
 * flight when closing began (answered, they stay open until the server's keep-alive timeout). At close, the
 * first are destroyed and the second end right after their answer. Idle ones are Fastify's own
 * (`forceCloseConnections: 'idle'`). Register it after the hooks that drain calls: it runs as a `preClose` hook.
 */
export function closeConnectionsOnClose(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  const busy = new Map<Socket, ServerResponse>();
  let closing = false;
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => {
      unused.delete(socket);
      busy.delete(socket);
    });
  });
  // per request only a Set delete and a Map set (no listener): a socket's last response is looked at when closing
  const endAfter = (socket: Socket, response: ServerResponse): void => {
    if (response.writableFinished) return void socket.destroySoon();
    response.once('finish', () => socket.destroySoon());
  };
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    unused.delete(socket);
    busy.set(socket, response);
    if (closing) {
      response.shouldKeepAlive = false;
      endAfter(socket, response);
    }
  });
  app.addHook('preClose', (done) => {
    closing = true;
    for (const socket of unused) socket.destroy();
    unused.clear();
    for (const [socket, response] of busy) {
      if (!response.headersSent) response.shouldKeepAlive = false;
      // answered and idle on keep-alive: Fastify's idle close takes it; still answering: end it after the answer
      if (!response.writableFinished) endAfter(socket, response);
    }
    done();
  });
}
