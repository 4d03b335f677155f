import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorsGateway, GatewayOptionError, staticConnectorSource } from '../src/index.js';
import { serveGateway } from './helpers/http.js';

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
});
/** node:http POST (fetch cannot override Host). */
function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('Host/Origin validation (DNS rebinding)', () => {
  const gateway = createConnectorsGateway({
    source: staticConnectorSource([]),
    allowedOrigins: ['localhost', 'app.example.com'],
  });
  let http: Awaited<ReturnType<typeof serveGateway>>;
  beforeAll(async () => void (http = await serveGateway(gateway)));
  afterAll(async () => {
    await gateway.close();
    await http.close();
  });

  it('rejects a foreign Host with a branded 403', async () => {
    const res = await rawPost(`${http.base}/mcp`, { ...HEADERS, host: 'evil.example:80' }, INIT);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({
      brand: 'brAInwav',
      error: {
        code: 'HOST_NOT_ALLOWED',
        message: 'brAInwav: Host header not allowed (DNS rebinding protection)',
      },
      traceId: null,
    });
  });

  it('rejects a foreign or opaque Origin, on the per-connector endpoint too', async () => {
    for (const [path, origin] of [
      ['/mcp', 'http://evil.example'],
      ['/mcp', 'null'],
      ['/mcp/connectors/any', 'http://evil.example'],
    ] as const) {
      const res = await fetch(`${http.base}${path}`, {
        method: 'POST',
        headers: { ...HEADERS, origin },
        body: INIT,
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
    }
  });

  it('accepts allowed origins and clients without Origin, and refuses non-initialize requests without a session', async () => {
    const ok = await fetch(`${http.base}/mcp`, {
      method: 'POST',
      headers: { ...HEADERS, origin: 'https://app.example.com' },
      body: INIT,
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('mcp-session-id')).toMatch(/^s1\.[A-Za-z0-9_-]+$/);
    await ok.body?.cancel();
    const noSession = await fetch(`${http.base}/mcp`, {
      method: 'POST',
      headers: HEADERS,
      body: '{"jsonrpc":"2.0","id":2,"method":"tools/list"}',
    });
    expect(noSession.status).toBe(400);
    expect(((await noSession.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    const badJson = await fetch(`${http.base}/mcp`, { method: 'POST', headers: HEADERS, body: '{nope' });
    expect(badJson.status).toBe(400);
    const sessions = gateway.sessionCount;
    const badAccept = await fetch(`${http.base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/html' },
      body: INIT,
    });
    expect(badAccept.status).toBe(406);
    await badAccept.body?.cancel();
    expect(gateway.sessionCount).toBe(sessions);
  });

  it('validates options at construction, naming the option', () => {
    expect(() => createConnectorsGateway({ source: undefined as never })).toThrow(GatewayOptionError);
    expect(() =>
      createConnectorsGateway({ source: staticConnectorSource([]), allowedHosts: ['localhost:8080'] }),
    ).toThrow(
      'brAInwav: option "allowedHosts" must be an array of hostnames without ports (got ["localhost:8080"])',
    );
    expect(() => createConnectorsGateway({ source: staticConnectorSource([]), sessionIdleMs: 0 })).toThrow(
      /option "sessionIdleMs"/,
    );
  });
});

describe('Host/Origin validation compares origins with their port', () => {
  const gateway = createConnectorsGateway({
    source: staticConnectorSource([]),
    allowedOrigins: ['localhost', '127.0.0.1', 'https://app.example.com:8443'],
  });
  let http: Awaited<ReturnType<typeof serveGateway>>;
  beforeAll(async () => void (http = await serveGateway(gateway)));
  afterAll(async () => {
    await gateway.close();
    await http.close();
  });

  const post = async (origin: string): Promise<number> => {
    const res = await fetch(`${http.base}/mcp`, {
      method: 'POST',
      headers: { ...HEADERS, origin },
      body: INIT,
    });
    await res.body?.cancel();
    return res.status;
  };

  it('accepts a loopback origin only on the port the server is bound to, and exact origins only as given', async () => {
    const port = Number(new URL(http.base).port);
    expect(await post(`http://127.0.0.1:${port}`)).toBe(200);
    expect(await post(`http://localhost:${port}`)).toBe(200);
    expect(await post(`http://127.0.0.1:${port + 1}`)).toBe(403);
    expect(await post('http://localhost')).toBe(403);
    expect(await post('https://app.example.com:8443')).toBe(200);
    expect(await post('https://app.example.com')).toBe(403);
  });
});
