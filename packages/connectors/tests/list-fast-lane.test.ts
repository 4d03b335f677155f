// The `GET /v1/connectors` fast lane against the Fastify route it stands in for: two servers built alike from the
// same signed map and upstream, one with the lane and one without, get the same requests over real sockets;
// every answer (status, headers but Date, body but the request and trace ids) must be the same, and the lane must have
// answered exactly the requests it may answer (a cached 200 for a valid key, Host and Origin).
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import type { Principal } from '@cortex-os/server-kit';
import { createKeyAuthenticator, defaultHostOriginPolicy } from '@cortex-os/server-kit';
import { createSilentLogger } from '@cortex-os/telemetry';
import { createListFastLane } from '../src/list-fast-lane.js';
import { API_KEY, connector, controlledSource, rest, signedMapText, startApp, testEnv } from './helpers.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One raw HTTP/1.1 request (Host and Origin as given; fetch cannot set Host). */
function send(port: number, path: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const { date: _date, ...rest } = res.headers;
        resolve({ status: res.statusCode ?? 0, headers: rest, body: text ? withoutRequestIds(text) : '' });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Fields that differ by design: per request (`requestId`, `traceId`) or per server's own observation (`at`). */
const IGNORED = new Set(['requestId', 'traceId', 'at']);

/** The JSON body without the {@link IGNORED} fields. */
function withoutRequestIds(text: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => (IGNORED.has(key) ? undefined : value));
  } catch {
    return text;
  }
}

describe('GET /v1/connectors fast lane: the same answers as the Fastify route', () => {
  let upstream: FixtureServer;
  const servers: Array<{ app: FastifyInstance; port: number }> = [];

  beforeAll(async () => {
    upstream = await startFixtureServer();
    const map = await signedMapText([
      connector('fixtures', upstream.url),
      connector('dormant', 'http://127.0.0.1:9/mcp', { enabled: false }),
    ]);
    // the lane is on by default; CONNECTORS_LIST_FAST_LANE=false turns it off
    for (const lane of ['true', 'false']) {
      const env = testEnv({ CONNECTORS_LIST_FAST_LANE: lane });
      const app = await startApp(env, controlledSource(map), { downDebounceMs: 0 });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as { port: number }).port;
      const probe = await fetch(`http://127.0.0.1:${port}/v1/connectors/fixtures/probe`, {
        method: 'POST',
        headers: rest,
      });
      expect(((await probe.json()) as { availability: string }).availability).toBe('online');
      servers.push({ app, port });
    }
  }, 30_000);

  afterAll(async () => {
    for (const s of servers) await s.app.close();
    await upstream?.stop();
  });

  const both = async (path: string, headers: (port: number) => Record<string, string>, method = 'GET') => {
    const [lane, plain] = servers;
    const before = lane!.app.connectors.fastLaneAnswered();
    const a = await send(lane!.port, path, headers(lane!.port), method);
    const answeredByLane = lane!.app.connectors.fastLaneAnswered() - before;
    const b = await send(plain!.port, path, headers(plain!.port), method);
    return { lane: a, plain: b, answeredByLane };
  };
  const host = (port: number) => ({ host: `127.0.0.1:${port}` });

  it('a valid key: the first request builds the body through Fastify, the next ones come from the lane, same bytes', async () => {
    const first = await both('/v1/connectors', (p) => ({ ...host(p), ...rest }));
    expect(first.lane).toEqual(first.plain);
    expect(first.lane.status).toBe(200);
    const second = await both('/v1/connectors', (p) => ({ ...host(p), ...rest }));
    expect(second.answeredByLane).toBe(1);
    expect(second.lane).toEqual(second.plain);
    expect(second.lane.headers).toMatchObject({
      'content-type': 'application/json',
      connection: 'keep-alive',
      'keep-alive': 'timeout=72',
    });
    const body = second.lane.body as {
      connectors: Array<{ id: string; status: string; availability: string }>;
    };
    expect(servers[1]!.app.connectors.fastLaneAnswered()).toBe(0); // CONNECTORS_LIST_FAST_LANE=false
    expect(body.connectors.map((c) => [c.id, c.status, c.availability])).toEqual([
      ['dormant', 'disabled', 'unknown'],
      ['fixtures', 'enabled', 'online'],
    ]);
  });

  it('X-API-Key and an allowed Origin (port compared) take the lane too', async () => {
    const viaHeader = await both('/v1/connectors', (p) => ({ ...host(p), 'x-api-key': API_KEY }));
    expect(viaHeader.answeredByLane).toBe(1);
    expect(viaHeader.lane).toEqual(viaHeader.plain);
    const origin = await both('/v1/connectors', (p) => ({
      ...host(p),
      ...rest,
      origin: `http://127.0.0.1:${p}`,
    }));
    expect(origin.answeredByLane).toBe(1);
    expect(origin.lane).toEqual(origin.plain);
    expect(origin.lane.status).toBe(200);
  });

  it.each([
    ['no key: 401 with the challenge', (p: number) => host(p), 401],
    ['a wrong key: 403', (p: number) => ({ ...host(p), authorization: 'Bearer not-the-key-000000' }), 403],
    ['a foreign Host: 403 HOST_NOT_ALLOWED', () => ({ host: 'evil.example', ...rest }), 403],
    [
      'a foreign Origin: 403 ORIGIN_NOT_ALLOWED',
      (p: number) => ({ ...host(p), ...rest, origin: 'http://evil.example' }),
      403,
    ],
    [
      'the right host on another port as Origin: 403',
      (p: number) => ({ ...host(p), ...rest, origin: `http://127.0.0.1:${p + 1}` }),
      403,
    ],
  ])('%s, answered by Fastify alike', async (_name, headers, status) => {
    const r = await both('/v1/connectors', headers);
    expect(r.answeredByLane).toBe(0);
    expect(r.lane.status).toBe(status);
    expect(r.lane).toEqual(r.plain);
  });

  it('a query string, HEAD and POST are never the lane’s', async () => {
    const query = await both('/v1/connectors?view=all', (p) => ({ ...host(p), ...rest }));
    const head = await both('/v1/connectors', (p) => ({ ...host(p), ...rest }), 'HEAD');
    const post = await both('/v1/connectors', (p) => ({ ...host(p), ...rest }), 'POST');
    for (const r of [query, head, post]) {
      expect(r.answeredByLane).toBe(0);
      expect(r.lane).toEqual(r.plain);
    }
    expect([query.lane.status, head.lane.status, post.lane.status]).toEqual([200, 200, 404]);
  });

  it('a status change moves the body: the lane answers the new one, never the old', async () => {
    await upstream.stop();
    for (const { port } of servers)
      await fetch(`http://127.0.0.1:${port}/v1/connectors/fixtures/probe`, { method: 'POST', headers: rest });
    await both('/v1/connectors', (p) => ({ ...host(p), ...rest })); // rebuilds after the event
    const r = await both('/v1/connectors', (p) => ({ ...host(p), ...rest }));
    expect(r.answeredByLane).toBe(1);
    expect(r.lane).toEqual(r.plain);
    const body = r.lane.body as { connectors: Array<{ id: string; availability: string }> };
    expect(body.connectors.find((c) => c.id === 'fixtures')?.availability).toBe('offline');
  });
});

describe('createListFastLane', () => {
  const principal = {
    subject: 'key-1',
    roles: ['rest'],
    scopes: [],
    claims: {},
    via: 'api-key',
  } as Principal;
  const lane = (body: Buffer | undefined) =>
    createListFastLane({
      hostPolicy: defaultHostOriginPolicy({}),
      authenticator: createKeyAuthenticator({ rest: { keys: [API_KEY], label: 'x' } }),
      scope: 'rest',
      body: () => body,
      selects: () => false,
      logger: createSilentLogger(),
      requestId: () => 'r',
    });
  const raw = (headers: Record<string, string>) =>
    ({ method: 'GET', url: '/v1/connectors', headers, socket: { localPort: 80 } }) as never;
  const response = () => {
    const written: { head?: [number, Record<string, unknown>]; body?: Buffer } = {};
    return {
      written,
      res: {
        writeHead: (status: number, h: Record<string, unknown>) => (written.head = [status, h]),
        end: (b: Buffer) => (written.body = b),
      } as never,
    };
  };

  it('answers a cached body for a valid key, and nothing once closed', () => {
    const l = lane(Buffer.from('{"ok":true}'));
    const { written, res } = response();
    expect(l.handle(raw({ host: '127.0.0.1', ...rest }), res)).toBe(true);
    expect(written.head).toEqual([200, { 'content-type': 'application/json', 'content-length': 11 }]);
    expect(written.body?.toString()).toBe('{"ok":true}');
    l.close();
    expect(l.handle(raw({ host: '127.0.0.1', ...rest }), response().res)).toBe(false);
    expect(l.answered).toBe(1);
    expect(principal.subject).toBe('key-1');
  });

  it('declines without a built body, and when the authenticator needs a promise (left to Fastify)', () => {
    expect(lane(undefined).handle(raw({ host: '127.0.0.1', ...rest }), response().res)).toBe(false);
    const oauth = createListFastLane({
      hostPolicy: defaultHostOriginPolicy({}),
      authenticator: { authenticate: () => Promise.resolve({ ok: true, principal }) },
      scope: 'rest',
      body: () => Buffer.from('{}'),
      selects: () => false,
      logger: createSilentLogger(),
      requestId: () => 'r',
    });
    expect(oauth.handle(raw({ host: '127.0.0.1', authorization: 'Bearer a.b.c' }), response().res)).toBe(
      false,
    );
    expect(oauth.answered).toBe(0);
  });
});
