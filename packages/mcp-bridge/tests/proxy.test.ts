import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRemoteToolProxy, type RemoteToolProxy, type RemoteToolProxyOptions } from '../src/index.js';
import { startFixtureServer, type FixtureServer } from '../src/testing/index.js';
import { connectorFor, rejectionOf, waitFor } from './helpers.js';

let fixture: FixtureServer;
const proxies: RemoteToolProxy[] = [];
/** Every call test runs twice: through the SDK client's callTool and in relay mode (raw tools/call). */
let relayToolResults = false;

function proxyFor(options: RemoteToolProxyOptions = {}, overrides = {}): RemoteToolProxy {
  const proxy = createRemoteToolProxy(connectorFor(fixture.url, overrides), {
    probeIntervalMs: 0,
    relayToolResults,
    ...options,
  });
  proxies.push(proxy);
  return proxy;
}

const textOf = (result: { content: unknown }): string =>
  (result.content as { text?: string }[])[0]?.text ?? '';

beforeEach(async () => {
  fixture = await startFixtureServer();
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await fixture.stop();
});

describe.each([false, true])('createRemoteToolProxy (relayToolResults=%s)', (relay) => {
  beforeEach(() => {
    relayToolResults = relay;
  });
  afterEach(() => {
    relayToolResults = false;
  });

  describe('sessions and calls', () => {
    it('is lazy, then lists tools, calls them and exposes the connected client', async () => {
      const proxy = proxyFor();
      expect(proxy.state).toBe('idle');
      expect(fixture.requests).toHaveLength(0);
      const tools = await proxy.listTools();
      expect(tools.map((t) => t.name)).toContain('echo');
      expect(proxy.state).toBe('up');
      expect(textOf(await proxy.callTool('echo', { text: 'exact ✓ text' }))).toBe('exact ✓ text');
      const image = await proxy.callTool('image');
      expect(image.content[0]).toMatchObject({ type: 'image', mimeType: 'image/png' });
      const structured = await proxy.callTool('structured', { city: 'Lyon' });
      expect(structured.structuredContent).toEqual({ city: 'Lyon', temperature: 21.5 });
      const client = await proxy.client();
      expect(client.getServerVersion()?.name).toBe('brainwav-fixture');
      expect(await proxy.probe()).toMatchObject({ ok: true, method: 'ping' });
      expect(fixture.sessionCount).toBe(1);
    });

    it('ends the upstream session (HTTP DELETE) on close()', async () => {
      const proxy = proxyFor();
      await proxy.listTools();
      expect(fixture.sessionCount).toBe(1);
      await proxy.close();
      expect(fixture.requests.some((r) => r.httpMethod === 'DELETE')).toBe(true);
      await waitFor(() => fixture.sessionCount === 0);
      expect(proxy.state).toBe('closed');
    });

    it('treats a refused handshake (wrong endpoint path) as an outage, never as up', async () => {
      const proxy = createRemoteToolProxy(connectorFor(fixture.url.replace('/mcp', '/nope')), {
        probeIntervalMs: 0,
        downDebounceMs: 0,
        retries: { attempts: 1 },
      });
      proxies.push(proxy);
      const events: boolean[] = [];
      proxy.onAvailability((e) => events.push(e.up));
      const error = await rejectionOf(proxy.callTool('echo', { text: 'x' }));
      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connectorId: 'fixture' });
      expect(error.message).toBe(
        'brAInwav: connector fixture: tools/call echo failed: session rejected (HTTP 404)',
      );
      expect(events).toEqual([false]);
      expect(proxy.state).toBe('down');
      expect(proxy.lastError).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    });

    it('returns isError results from the tool without failing the proxy', async () => {
      const proxy = proxyFor();
      const result = await proxy.callTool('add', { a: 'not a number' });
      expect(result.isError).toBe(true);
      expect(proxy.state).toBe('up');
      expect(proxy.breaker).toBe('closed');
    });

    it('refreshes the cached tools on tools/list_changed and notifies onToolsChanged', async () => {
      const proxy = proxyFor();
      expect((await proxy.listTools()).length).toBe(10);
      const changed = new Promise<string[]>((resolve) =>
        proxy.onToolsChanged((tools) => resolve(tools.map((t) => t.name))),
      );
      const listsBefore = fixture.requests.filter((r) => r.rpcMethod === 'tools/list').length;
      await fixture.setTools(['echo', 'weather']);
      expect(await changed).toEqual(['echo', 'weather']);
      expect((await proxy.listTools()).map((t) => t.name)).toEqual(['echo', 'weather']);
      expect(fixture.requests.filter((r) => r.rpcMethod === 'tools/list').length).toBe(listsBefore + 1);
      expect(textOf(await proxy.callTool('weather'))).toBe('weather called');
    });

    it('re-initializes a new session when the upstream forgot the old one (404) without failing the call', async () => {
      const proxy = proxyFor({ retries: { attempts: 1 } });
      await proxy.callTool('echo', { text: 'one' });
      const firstSession = fixture.requests.at(-1)?.headers['mcp-session-id'];
      await fixture.dropSessions();
      expect(textOf(await proxy.callTool('increment'))).toBe('1');
      const lastSession = fixture.requests.at(-1)?.headers['mcp-session-id'];
      expect(lastSession).toBeDefined();
      expect(lastSession).not.toBe(firstSession);
      expect(fixture.sessionCount).toBe(1);
      expect(fixture.requests.filter((r) => r.rpcMethod === 'initialize')).toHaveLength(2);
    });

    it('maps a socket destroyed mid-call to UPSTREAM_UNAVAILABLE and recovers on the next call', async () => {
      const proxy = proxyFor({ retries: { attempts: 1 }, downDebounceMs: 60_000 });
      await proxy.connect();
      const error = await rejectionOf(proxy.callTool('crash'));
      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connectorId: 'fixture' });
      expect(error.message).toMatch(/^brAInwav: connector fixture: tools\/call crash failed/);
      expect(textOf(await proxy.callTool('echo', { text: 'after crash' }))).toBe('after crash');
      expect(proxy.state).toBe('up');
    });

    it('relays server→client sampling and elicitation through configureClient handlers', async () => {
      const proxy = proxyFor({
        capabilities: { sampling: {}, elicitation: { form: {} } },
        configureClient: (client) => {
          client.setRequestHandler('sampling/createMessage', () => ({
            model: 'm',
            role: 'assistant' as const,
            content: { type: 'text' as const, text: 'relayed sample' },
          }));
          client.setRequestHandler('elicitation/create', () => ({ action: 'decline' as const }));
        },
      });
      expect(textOf(await proxy.callTool('samplingOnCall', { prompt: 'p' }))).toBe('relayed sample');
      expect(JSON.parse(textOf(await proxy.callTool('elicitOnCall', { message: 'm' })))).toEqual({
        action: 'decline',
      });
    });

    it('forwards upstream notifications (logging, progress) to the caller', async () => {
      const methods: string[] = [];
      const proxy = proxyFor({ onNotification: (n) => void methods.push(n.method) });
      const progress: number[] = [];
      await proxy.callTool('slow', { ms: 30, steps: 2 }, { onprogress: (p) => progress.push(p.progress) });
      await proxy.callTool('log', { message: 'hi' });
      await waitFor(() => methods.includes('notifications/message'));
      expect(progress).toEqual([1, 2]);
      expect(methods).toContain('notifications/message');
    });
  });

  describe('timeouts, cancellation and retries', () => {
    it('times out a slow call with UPSTREAM_TIMEOUT and cancels it upstream', async () => {
      const proxy = proxyFor({ timeoutMs: 10_000, downDebounceMs: 60_000 });
      await proxy.connect();
      const error = await rejectionOf(proxy.callTool('slow', { ms: 30_000 }, { timeoutMs: 300 }));
      expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', connectorId: 'fixture' });
      await waitFor(() => fixture.cancelledCount === 1);
      expect(proxy.state).toBe('up');
      expect(proxy.lastError?.code).toBe('UPSTREAM_TIMEOUT');
    });

    it('cancels a slow call through an AbortSignal with REQUEST_ABORTED', async () => {
      const proxy = proxyFor();
      await proxy.connect();
      const controller = new AbortController();
      const pending = proxy.callTool('slow', { ms: 30_000 }, { signal: controller.signal });
      await waitFor(() => fixture.calls.some((c) => c.tool === 'slow'));
      controller.abort();
      const error = await rejectionOf(pending);
      expect(error).toMatchObject({ code: 'REQUEST_ABORTED', connectorId: 'fixture' });
      await waitFor(() => fixture.cancelledCount === 1);
      expect(proxy.breaker).toBe('closed');
      expect(proxy.state).toBe('up');
    });

    it('retries read-only and idempotent calls but never a non-idempotent one', async () => {
      const proxy = proxyFor({ retries: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
      await proxy.listTools();
      const calls = (): number => fixture.requests.filter((r) => r.rpcMethod === 'tools/call').length;
      fixture.failNext(2, { method: 'tools/call' });
      expect(textOf(await proxy.callTool('echo', { text: 'read-only' }))).toBe('read-only');
      expect(calls()).toBe(3);
      fixture.failNext(1, { method: 'tools/call' });
      expect(textOf(await proxy.callTool('add', { a: 1, b: 2 }))).toBe('3');
      expect(calls()).toBe(5);
      fixture.failNext(1, { method: 'tools/call' });
      const error = await rejectionOf(proxy.callTool('increment'));
      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(error.message).toContain('HTTP 503');
      expect(calls()).toBe(6);
      expect(fixture.calls.filter((c) => c.tool === 'increment')).toHaveLength(0);
    });

    it('retries list and connect with backoff', async () => {
      const proxy = proxyFor({ retries: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
      fixture.failNext(2, { method: 'initialize' });
      expect((await proxy.listTools()).length).toBe(10);
      expect(fixture.requests.filter((r) => r.rpcMethod === 'initialize')).toHaveLength(3);
    });
  });
});
