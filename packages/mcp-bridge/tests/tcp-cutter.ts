import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/** A loopback TCP proxy that can cut the connections carrying a given HTTP request. */
export interface TcpCutter {
  /** The upstream URL with the proxy's port. */
  readonly url: string;
  /**
   * Destroys both sides of every connection whose latest request (head and the start of its body)
   * matches `test`; resolves with how many it cut.
   */
  cut(test: (request: string) => boolean): number;
  close(): Promise<void>;
}

const REQUEST_START = /^(GET|POST|DELETE|PUT|PATCH|OPTIONS|HEAD) \//;

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Latest request seen from the client (reset at each request line), at most 8 KiB. */
  request: string;
}

/** Starts a {@link TcpCutter} in front of `target` (an http URL on loopback). */
export async function startTcpCutter(target: string): Promise<TcpCutter> {
  const url = new URL(target);
  const links = new Set<Link>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: url.hostname, port: Number(url.port) });
    const link: Link = { client, upstream, request: '' };
    links.add(link);
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      link.request = REQUEST_START.test(text) ? text.slice(0, 8192) : (link.request + text).slice(0, 8192);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const drop = (): void => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${url.pathname}`,
    cut(test) {
      let count = 0;
      for (const link of [...links]) {
        if (!test(link.request)) continue;
        count += 1;
        link.client.destroy();
        link.upstream.destroy();
      }
      return count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const link of links) {
          link.client.destroy();
          link.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
