import { describe, expect, it } from 'vitest';
import { useGatewayHarness } from './helpers/harness.js';
import { eventually } from './helpers/http.js';
import { rawInitialize } from './helpers/policy.js';
import { startPolicyWorld, toolNames } from './helpers/policy-world.js';
import { rawPost, rawSessionOf, toolCall } from './helpers/raw-mcp.js';

const UNKNOWN_SESSION = {
  brand: 'brAInwav',
  error: { code: 'NOT_FOUND', message: 'brAInwav: unknown or expired MCP session' },
  traceId: null,
};

describe('MCP sessions bound to their principal', () => {
  const h = useGatewayHarness();

  it('answers another principal presenting a session id exactly like an unknown id, logs both subjects, and keeps the session', async () => {
    const w = await startPolicyWorld(h);
    for (const path of ['/mcp', '/mcp/connectors/alpha']) {
      const alice = await w.connect('alice', path);
      const session = rawSessionOf(alice, `${w.base}${path}`);
      const asBob = await rawPost(
        session,
        toolCall(1, path === '/mcp' ? 'alpha__echo' : 'echo', { text: 'x' }),
        {
          headers: { authorization: 'Bearer bob' },
        },
      );
      expect(asBob.status).toBe(404);
      expect(JSON.parse(asBob.text)).toEqual(UNKNOWN_SESSION);
      const unknown = await rawPost(
        { ...session, sessionId: 'no-such-session' },
        { jsonrpc: '2.0', id: 2, method: 'ping' },
        { headers: { authorization: 'Bearer bob' } },
      );
      expect(unknown.status).toBe(404);
      expect(unknown.text).toBe(asBob.text);
      // a DELETE by another principal cannot end it either
      const del = await fetch(session.url, {
        method: 'DELETE',
        headers: { 'mcp-session-id': session.sessionId, authorization: 'Bearer bob' },
      });
      expect(del.status).toBe(404);
      expect(await toolNames(alice)).toEqual(
        path === '/mcp' ? ['alpha__echo', 'alpha__add'] : ['echo', 'add'],
      );
    }
    expect(w.alpha.calls).toEqual([]);
    const warns = w.logger.lines.filter((l) =>
      l.msg?.startsWith('MCP session id presented by another principal'),
    );
    expect(warns.map((l) => l.level)).toEqual(['warn', 'warn', 'warn', 'warn']);
    expect(warns[0]!.obj).toEqual({
      scope: '',
      sessionSubject: 'alice',
      sessionVia: 'api-key',
      requestSubject: 'bob',
      requestVia: 'api-key',
    });
    expect(warns[2]!.obj).toMatchObject({ scope: 'alpha', sessionSubject: 'alice', requestSubject: 'bob' });
  });

  it('caps sessions per principal (429 SESSION_LIMIT_PRINCIPAL) and in total (503 SESSION_LIMIT), both with Retry-After; closing frees the slot', async () => {
    const w = await startPolicyWorld(h, { gateway: { maxSessions: 3, maxSessionsPerPrincipal: 2 } });
    const alice1 = await w.connect('alice');
    await w.connect('alice', '/mcp/connectors/alpha'); // both endpoints count
    const third = await rawInitialize(`${w.base}/mcp`, 'alice');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(third.body).toEqual({
      brand: 'brAInwav',
      error: {
        code: 'SESSION_LIMIT_PRINCIPAL',
        message:
          'brAInwav: this principal holds its maximum of 2 MCP sessions; close one (DELETE) or retry later',
      },
      traceId: null,
    });
    await w.connect('bob');
    expect(w.gateway.sessionCount).toBe(3);
    const full = await rawInitialize(`${w.base}/mcp/connectors/beta`, 'dave');
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('5');
    expect(full.body).toEqual({
      brand: 'brAInwav',
      error: {
        code: 'SESSION_LIMIT',
        message: 'brAInwav: the gateway holds its maximum of 3 MCP sessions; retry later',
      },
      traceId: null,
    });
    expect(w.gateway.sessionCount).toBe(3);

    await (alice1.transport as unknown as { terminateSession(): Promise<void> }).terminateSession();
    await eventually(() => w.gateway.sessionCount === 2);
    const again = await rawInitialize(`${w.base}/mcp`, 'alice');
    expect(again.status).toBe(200);
    expect(again.headers.get('mcp-session-id')).toMatch(/^s1\.[A-Za-z0-9_-]+$/);
    expect(w.gateway.sessionCount).toBe(3);
    expect((await rawInitialize(`${w.base}/mcp`, 'dave')).status).toBe(503);
  });

  it('frees the slot of a refused or failed session setup', async () => {
    const w = await startPolicyWorld(h, { gateway: { maxSessions: 1, maxSessionsPerPrincipal: 1 } });
    await w.beta.stop(); // the passthrough session cannot be opened upstream: 502, no slot kept
    const failed = await rawInitialize(`${w.base}/mcp/connectors/beta`, 'alice');
    expect(failed.status).toBe(502);
    expect((failed.body as { error: { code: string } }).error.code).toBe('UPSTREAM_UNAVAILABLE');
    const refused = await fetch(`${w.base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/plain', authorization: 'Bearer alice' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(refused.status).toBe(406);
    expect(w.gateway.sessionCount).toBe(0);
    expect(await toolNames(await w.connect('alice'))).toEqual(['alpha__echo', 'alpha__add']);
    expect(w.gateway.sessionCount).toBe(1);
  });

  it('refuses invalid session limits at construction (CONFIG_INVALID)', async () => {
    const { createConnectorsGateway, staticConnectorSource } = await import('../src/index.js');
    for (const [key, value] of [
      ['maxSessions', 0],
      ['maxSessionsPerPrincipal', 1.5],
    ] as const) {
      expect(() => createConnectorsGateway({ source: staticConnectorSource([]), [key]: value })).toThrow(
        `brAInwav: option "${key}" must be a positive integer (got ${value})`,
      );
    }
    expect(() =>
      createConnectorsGateway({
        source: staticConnectorSource([]),
        policy: {} as never,
      }),
    ).toThrow('brAInwav: option "policy" must be a PolicyDecider { decide, mayList } (got object)');
  });
});
