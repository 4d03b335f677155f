import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import {
  API_KEY,
  MCP_KEY,
  connector,
  controlledSource,
  signedMapText,
  startApp,
  testEnv,
} from './helpers.js';

/** A raw answer, or `'hung'` when nothing complete arrived within the client-side timeout. */
type Answer =
  { status: number; headers: Record<string, string | string[] | undefined>; text: string } | 'hung';

const HANG_MS = 3_000;

/** One raw node:http request; resolves `'hung'` (and drops the socket) when no full answer came in time. */
function send(url: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('hung');
    }, HANG_MS);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'malformed', version: '1' },
  },
});

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepParams = (n: number): string =>
  `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"fixtures__echo","arguments":{"a":${deep(n)}}}}`;

/** Malformed bodies (raw text or bytes); none of them may hang or get a 5xx, on any endpoint. */
const BODIES: ReadonlyArray<readonly [string, string | Buffer]> = [
  ['null', 'null'],
  ['0', '0'],
  ['"x"', '"x"'],
  ['true', 'true'],
  ['[]', '[]'],
  ['[null]', '[null]'],
  ['{}', '{}'],
  ['{"jsonrpc":"2.0"}', '{"jsonrpc":"2.0"}'],
  ['a batch mixing valid and junk', '[{"jsonrpc":"2.0","id":1,"method":"ping"},null,7,{"jsonrpc":"1.0"}]'],
  ['params of the wrong type', '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":"fixtures__echo"}'],
  ['params.name of the wrong type', '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":[1]}}'],
  ['a huge integer id', '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}'],
  ['an id of 1e400', '{"jsonrpc":"2.0","id":1e400,"method":"ping"}'],
  ['deeply nested JSON', deep(5_000)],
  ['deeply nested tool arguments', deepParams(5_000)],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0xc3, 0x28, 0x7d])],
  [
    'invalid UTF-8 inside a request',
    Buffer.concat([
      Buffer.from('{"jsonrpc":"2.0","id":4,"method":"p'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('ng"}'),
    ]),
  ],
  ['an empty body', ''],
  ['truncated JSON', '{"jsonrpc":"2.0","id":5,'],
];

function expectAnswered(answer: Answer, what: string): asserts answer is Exclude<Answer, 'hung'> {
  expect(answer, `${what} hung`).not.toBe('hung');
  if (answer === 'hung') return;
  expect(answer.status, `${what}: ${answer.text}`).toBeGreaterThanOrEqual(200);
  expect(answer.status, `${what}: ${answer.text}`).toBeLessThan(500);
}

/** A 4xx carries a JSON error body (branded or JSON-RPC); a 2xx is a JSON-RPC error or result. */
function expectErrorBody(answer: Exclude<Answer, 'hung'>, what: string): void {
  if (answer.status === 202) return; // a notification-only POST (none of our bodies is one, but allowed)
  const text =
    answer.text.startsWith('event:') || answer.text.startsWith('id:') ? sseData(answer.text) : answer.text;
  const body = JSON.parse(text) as Record<string, unknown>;
  if (answer.status >= 400) {
    const rpc = body.jsonrpc === '2.0' && typeof body.error === 'object';
    const branded = body.brand === 'brAInwav' && typeof (body.error as { code?: unknown })?.code === 'string';
    expect(rpc || branded, `${what}: ${text}`).toBe(true);
  } else {
    expect(body.jsonrpc ?? (Array.isArray(body) ? '2.0' : undefined), `${what}: ${text}`).toBe('2.0');
  }
}

function sseData(text: string): string {
  const line = text.split('\n').find((l) => l.startsWith('data: '));
  return line ? line.slice(6) : '{}';
}

describe('malformed bodies on every endpoint of the connectors server get an answer at once', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let base: string;
  const mcpHeaders = (session?: string): Record<string, string> => ({
    authorization: `Bearer ${MCP_KEY}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-06-18',
    ...(session ? { 'mcp-session-id': session } : {}),
  });

  async function openSession(path: string): Promise<string> {
    const answer = await send(`${base}${path}`, mcpHeaders(), INIT);
    expectAnswered(answer, `initialize on ${path}`);
    const id = answer.headers['mcp-session-id'];
    expect(typeof id).toBe('string');
    const note = await send(
      `${base}${path}`,
      mcpHeaders(id as string),
      '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    );
    expectAnswered(note, 'notifications/initialized');
    return id as string;
  }

  beforeAll(async () => {
    fixture = await startFixtureServer();
    app = await startApp(
      testEnv(),
      controlledSource(await signedMapText([connector('fixtures', fixture.url)])),
    );
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.stop();
  });

  for (const path of ['/mcp', '/mcp/connectors/fixtures']) {
    it(`${path}: with a valid session, every malformed body is answered (no hang, no 5xx) and the session still works`, async () => {
      const session = await openSession(path);
      for (const [what, body] of BODIES) {
        const answer = await send(`${base}${path}`, mcpHeaders(session), body);
        expectAnswered(answer, `${path} ${what}`);
        expectErrorBody(answer, `${path} ${what}`);
      }
      const ping = await send(
        `${base}${path}`,
        mcpHeaders(session),
        '{"jsonrpc":"2.0","id":99,"method":"ping"}',
      );
      expectAnswered(ping, 'ping after the junk');
      expect(ping.status).toBe(200);
      const name = path === '/mcp' ? 'fixtures__echo' : 'echo';
      const call = `{"jsonrpc":"2.0","id":100,"method":"tools/call","params":{"name":"${name}","arguments":{"text":"after junk"}}}`;
      const echo = await send(`${base}${path}`, mcpHeaders(session), call);
      expectAnswered(echo, 'a tool call after the junk');
      expect(echo.text).toContain('after junk');
      expect(echo.text).not.toContain('"isError":true');
    });

    it(`${path}: without a session, every malformed body is answered 4xx at once`, async () => {
      for (const [what, body] of BODIES) {
        const answer = await send(`${base}${path}`, mcpHeaders(), body);
        expectAnswered(answer, `${path} (no session) ${what}`);
        expect(answer.status, `${path} (no session) ${what}: ${answer.text}`).toBeGreaterThanOrEqual(400);
        expectErrorBody(answer, `${path} (no session) ${what}`);
      }
    });
  }

  it('/mcp: the JSON literal null in a valid session gets a 400 JSON-RPC parse error (it used to hang)', async () => {
    const session = await openSession('/mcp');
    const answer = await send(`${base}/mcp`, mcpHeaders(session), 'null');
    expectAnswered(answer, 'null');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });

  it('/mcp: a POST of null without a session gets a 400 at once (it used to hang)', async () => {
    const answer = await send(`${base}/mcp`, mcpHeaders(), 'null');
    expectAnswered(answer, 'null');
    expect(answer.status).toBe(400);
  });

  it('POST /v1/connectors/:id/tools/:tool/call: malformed bodies get a branded 400 at once', async () => {
    const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
    const url = `${base}/v1/connectors/fixtures/tools/echo/call`;
    for (const [what, body] of [
      ...BODIES.filter(([w]) =>
        [
          'null',
          '0',
          '"x"',
          'true',
          '[]',
          '[null]',
          'deeply nested JSON',
          'invalid UTF-8',
          'an empty body',
          'truncated JSON',
        ].includes(w),
      ),
      ['arguments of the wrong type', '{"arguments":"x"}'],
      ['arguments null', '{"arguments":null}'],
      ['arguments an array', '{"arguments":[1,2]}'],
    ] as const) {
      const answer = await send(url, headers, body);
      expectAnswered(answer, `REST ${what}`);
      expect(answer.status, `REST ${what}: ${answer.text}`).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({ brand: 'brAInwav', error: { code: 'BAD_REQUEST' } });
    }
    const ok = await send(url, headers, '{"arguments":{"text":"still fine"}}');
    expectAnswered(ok, 'a good REST call');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('still fine');
  });
});
