import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startFixtureServer } from '@cortex-os/mcp-bridge/testing';
import { createConnectorsGateway, staticConnectorSource, type ConnectorsGateway } from '../src/index.js';
import { connectorEntry, serveGateway } from './helpers/http.js';
import { bridgeProxy } from './helpers/proxy.js';
import { useGatewayHarness } from './helpers/harness.js';

type Answer = { status: number; session?: string; text: string } | 'hung';

/** A raw POST with a client-side deadline: a request the gateway never answers resolves `'hung'`. */
function post(url: string, body: string, session?: string, timeoutMs = 3_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}),
    };
    const req = httpRequest(url, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        clearTimeout(timer);
        const id = res.headers['mcp-session-id'];
        resolve({ status: res.statusCode ?? 0, text, ...(typeof id === 'string' ? { session: id } : {}) });
      });
    });
    const timer = setTimeout(() => (req.destroy(), resolve('hung')), timeoutMs);
    req.on('error', reject);
    req.end(body);
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'parsed', version: '1' } },
});

/** Mounts the gateway the way body-parsing frameworks do: the JSON body is read first and handed over parsed. */
async function serveParsed(gateway: ConnectorsGateway): Promise<{ base: string; close(): Promise<void> }> {
  const readParsed = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
  };
  const server: Server = createServer((req, res) => {
    void readParsed(req).then((parsed) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      return path === '/mcp'
        ? gateway.handleAggregate(req, res, parsed)
        : gateway.handleConnector('alpha', req, res, parsed);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('request bodies: parsed null vs not read yet', () => {
  const h = useGatewayHarness();

  async function gateway(): Promise<ConnectorsGateway> {
    const fixture = await startFixtureServer({ name: 'fixture-alpha', tools: ['echo', 'slow'] });
    h.fixtures.push(fixture);
    const connector = connectorEntry('alpha', fixture.url);
    const proxy = bridgeProxy(connector);
    const gw = createConnectorsGateway({ source: staticConnectorSource([{ connector, proxy }]) });
    h.closers.push(
      () => proxy.close(),
      () => gw.close(),
    );
    await gw.ready();
    return gw;
  }

  async function session(url: string): Promise<string> {
    const init = await post(url, INIT);
    if (init === 'hung' || !init.session) throw new Error(`initialize failed: ${JSON.stringify(init)}`);
    await post(url, '{"jsonrpc":"2.0","method":"notifications/initialized"}', init.session);
    return init.session;
  }

  for (const path of ['/mcp', '/mcp/connectors/alpha']) {
    it(`${path} mounted with a pre-parsed body: a parsed null is answered 400 at once, with and without a session`, async () => {
      const http = await serveParsed(await gateway());
      h.closers.push(() => http.close());
      const url = `${http.base}${path}`;
      const id = await session(url);
      const inSession = await post(url, 'null', id);
      expect(inSession).not.toBe('hung');
      expect(inSession).toMatchObject({ status: 400 });
      expect(JSON.parse((inSession as { text: string }).text)).toMatchObject({
        jsonrpc: '2.0',
        error: { code: -32700 },
      });
      const noSession = await post(url, 'null');
      expect(noSession).toMatchObject({ status: 400 });
      expect(JSON.parse((noSession as { text: string }).text)).toMatchObject({
        brand: 'brAInwav',
        error: { code: 'BAD_REQUEST', message: 'brAInwav: no session: send initialize first' },
      });
      const ping = await post(url, '{"jsonrpc":"2.0","id":2,"method":"ping"}', id);
      expect(ping).toMatchObject({ status: 200 });
    });
  }

  it('/mcp/connectors/alpha: a request id reused while the first request is open gets 400 -32600 at once; the first one still gets its answer', async () => {
    const http = await serveParsed(await gateway());
    h.closers.push(() => http.close());
    const url = `${http.base}/mcp/connectors/alpha`;
    const id = await session(url);
    const slow = post(
      url,
      '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow","arguments":{"ms":800}}}',
      id,
    );
    await new Promise((r) => setTimeout(r, 150));
    const started = Date.now();
    const reused = await post(url, '{"jsonrpc":"2.0","id":7,"method":"ping"}', id);
    expect(Date.now() - started).toBeLessThan(500);
    expect(reused).toMatchObject({ status: 400 });
    expect(JSON.parse((reused as { text: string }).text)).toMatchObject({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32600, message: expect.stringMatching(/^brAInwav: request id 7 is already in use/) },
    });
    const first = await slow;
    expect(first).not.toBe('hung');
    expect((first as { status: number; text: string }).status).toBe(200);
    expect((first as { text: string }).text).toContain('"id":7');
    const again = await post(url, '{"jsonrpc":"2.0","id":7,"method":"ping"}', id); // free again once answered
    expect(again).toMatchObject({ status: 200 });
  });

  it('mounted on plain node:http (the gateway reads the body): null, empty, invalid and oversized bodies', async () => {
    const http = await serveGateway(await gateway());
    h.closers.push(() => http.close());
    const url = `${http.base}/mcp`;
    const id = await session(url);
    const nullBody = await post(url, 'null', id);
    expect(nullBody).toMatchObject({ status: 400 });
    expect((nullBody as { text: string }).text).toContain('-32700');
    for (const [body, status, code] of [
      ['', 400, 'BAD_REQUEST'],
      ['{"jsonrpc":', 400, 'BAD_REQUEST'],
      [`"${'x'.repeat(4 * 1024 * 1024)}"`, 413, 'PAYLOAD_TOO_LARGE'],
    ] as const) {
      for (const sid of [id, undefined]) {
        const answer = await post(url, body, sid);
        expect(answer, `${body.slice(0, 20)} ${sid ?? 'no session'}`).toMatchObject({ status });
        expect(JSON.parse((answer as { text: string }).text)).toMatchObject({
          brand: 'brAInwav',
          error: { code },
        });
      }
    }
  });
});
