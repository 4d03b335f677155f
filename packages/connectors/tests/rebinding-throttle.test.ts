import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { API_KEY, MCP_KEY, connector, removeDir, startWidgetApp, widgetDirs } from './helpers.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http request to 127.0.0.1:port (fetch cannot set Host); an SSE answer is read only up to its head. */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
        return void res.destroy();
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const code = (a: Answer): string | undefined =>
  (JSON.parse(a.body) as { error?: { code: string } }).error?.code;

describe('connectors server: DNS-rebinding guard on every route, auth failure throttling', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let port: number;
  let widgetRoot: string;
  const rest = { authorization: `Bearer ${API_KEY}` };
  const json = { ...rest, 'content-type': 'application/json' };
  const CALL = '/v1/connectors/fixtures/tools/echo/call';
  const CALL_BODY = '{"arguments":{"text":"hi"}}';

  beforeAll(async () => {
    fixture = await startFixtureServer();
    const widget = await widgetDirs('fresh');
    widgetRoot = widget.root;
    app = await startWidgetApp(widget, [connector('fixtures', fixture.url)], {
      CONNECTORS_AUTH_FAILURE_LIMIT: '3',
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.stop();
    await removeDir(widgetRoot);
  });

  const ROUTES: [string, string, Record<string, string>, string?][] = [
    ['GET', '/v1/connectors/service-map', rest],
    ['GET', '/v1/connectors/events', rest],
    ['GET', '/apps/chatgpt-dashboard/', {}],
    ['POST', CALL, json, CALL_BODY],
    ['GET', '/healthz', {}],
    ['POST', '/mcp', { authorization: `Bearer ${MCP_KEY}`, 'content-type': 'application/json' }, '{}'],
  ];

  it('answers a foreign Host with a branded 403 HOST_NOT_ALLOWED on every route', async () => {
    for (const [method, path, headers, body] of ROUTES) {
      const res = await send(port, method, path, { ...headers, host: 'evil.example' }, body);
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body), path).toMatchObject({
        brand: 'brAInwav',
        error: {
          code: 'HOST_NOT_ALLOWED',
          message: expect.stringMatching(/^brAInwav: Host header not allowed \(DNS rebinding protection\)/),
        },
      });
    }
  });

  it('answers a foreign Origin, or the right host on the wrong port, with 403 ORIGIN_NOT_ALLOWED', async () => {
    for (const origin of [
      'http://evil.example',
      `http://127.0.0.1:${port + 1}`,
      `http://localhost:${port + 1}`,
    ]) {
      for (const [method, path, headers, body] of ROUTES) {
        const res = await send(port, method, path, { ...headers, host: `127.0.0.1:${port}`, origin }, body);
        expect(res.status, `${path} ${origin}`).toBe(403);
        expect(code(res), `${path} ${origin}`).toBe('ORIGIN_NOT_ALLOWED');
      }
    }
  });

  it('serves the same routes to the same origin and to clients without Origin', async () => {
    const own = { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` };
    for (const [method, path, headers, body] of ROUTES.filter(([, p]) => p !== '/mcp')) {
      const res = await send(port, method, path, { ...headers, ...own }, body);
      expect(res.status, path).toBe(200);
    }
    const call = await send(port, 'POST', CALL, { ...json, host: `localhost:${port}` }, CALL_BODY);
    expect(call.body).toContain('hi');
  });

  it('throttles failed authentication per address (429 + Retry-After) without slowing a valid key', async () => {
    const at = (headers: Record<string, string>) =>
      app.inject({ url: '/v1/connectors', remoteAddress: '10.9.9.9', headers });
    const failures = [];
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-key-0123456789' },
      { 'x-api-key': MCP_KEY },
    ];
    for (const headers of attempts) failures.push((await at(headers)).statusCode);
    expect(failures).toEqual([401, 403, 403]);
    const limited = await at({});
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ brand: 'brAInwav', error: { code: 'TOO_MANY_AUTH_FAILURES' } });
    expect((await at(rest)).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/connectors', remoteAddress: '10.9.9.8' })).statusCode).toBe(401);
    // the MCP endpoint shares the address's failure budget
    const mcp = await app.inject({ method: 'POST', url: '/mcp', remoteAddress: '10.9.9.9', payload: {} });
    expect(mcp.statusCode).toBe(429);
  });
});
