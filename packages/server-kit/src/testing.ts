import { request } from 'node:http';

/** The status and UTF-8 body of a {@link rawGet} response. */
export interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Test helper: a `GET` over node:http to `127.0.0.1:port` with the path sent byte for byte (no client-side URL
 * normalization, so `%2e%2e` reaches the server) and any headers, `Host` and `Origin` included (fetch cannot set
 * `Host`). Resolves with the status and the whole body; rejects on a socket error.
 *
 * @example
 * const res = await rawGet(port, '/healthz', { host: 'evil.example' });
 * expect(res.status).toBe(403);
 */
export function rawGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
