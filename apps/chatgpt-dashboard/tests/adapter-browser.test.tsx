import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserAdapter } from '../src/adapters/browser.js';
import { BrowserRoot } from '../src/components/BrowserRoot.js';
import { Dashboard } from '../src/components/Dashboard.js';
import { createKeyStore } from '../src/lib/keyStore.js';
import { useConnectorState } from '../src/useConnectorState.js';
import { makeData, deferred, type Deferred } from './support/fixtures.js';
import { startApiServer, type ApiServer } from './support/apiServer.js';
import { advance, pillNames, resetDom, settle } from './support/render.js';

const KEY = 'test-key-0123456789';
let server: ApiServer | undefined;

afterEach(async () => {
  resetDom();
  vi.useRealTimers();
  sessionStorage.clear();
  await server?.close();
  server = undefined;
});

describe('browser adapter (GET /v1/connectors + fetch-streamed SSE)', () => {
  it('initializes and exposes statuses from a real HTTP server', async () => {
    server = await startApiServer({ apiKey: KEY, data: makeData(3) });
    const adapter = createBrowserAdapter({ baseUrl: server.url, apiKey: KEY });
    const { result, unmount } = renderHook(() => useConnectorState(adapter));
    await waitFor(() =>
      expect(result.current.statuses.map((s) => [s.id, s.availability])).toEqual([
        ['alpha', 'online'],
        ['bravo', 'offline'],
        ['charlie', 'unknown'],
      ]),
    );
    expect(result.current.error).toBeNull();
    expect(result.current.data?.manifestVersion).toBe('2026.11.22');
    unmount();
  });

  it('turns a pill offline on an SSE availability event and announces it', async () => {
    server = await startApiServer({ apiKey: KEY, data: makeData(3) });
    render(<Dashboard adapter={createBrowserAdapter({ baseUrl: server.url, apiKey: KEY })} />);
    await screen.findByRole('heading', { name: 'Connectors (3)' });
    await waitFor(() => expect(server!.lastEventIds).toHaveLength(1));
    expect(pillNames()[0]).toBe('Availability: online');
    act(() => server!.setAvailability('alpha', 'offline', 'brAInwav: upstream closed the connection'));
    await waitFor(() => expect(pillNames()[0]).toBe('Availability: offline'));
    expect(screen.getByRole('status').textContent).toBe('Alpha connector is now offline');
    expect(screen.getByText('brAInwav: upstream closed the connection')).toBeTruthy();
  });

  it('reconnects with backoff and resumes with Last-Event-ID', async () => {
    server = await startApiServer({ apiKey: KEY, data: makeData(3) });
    render(
      <Dashboard
        adapter={createBrowserAdapter({
          baseUrl: server.url,
          apiKey: KEY,
          initialBackoffMs: 20,
          maxBackoffMs: 50,
        })}
      />,
    );
    await waitFor(() => expect(server!.lastEventIds).toEqual([undefined]));
    act(() => server!.setAvailability('alpha', 'degraded'));
    await waitFor(() => expect(pillNames()[0]).toBe('Availability: degraded'));
    server.dropStreams();
    await waitFor(() => expect(server!.lastEventIds).toHaveLength(2), { timeout: 5000 });
    expect(server.lastEventIds[1]).toBe('2');
    act(() => server!.setAvailability('alpha', 'online'));
    await waitFor(() => expect(pillNames()[0]).toBe('Availability: online'));
  });

  it('drops the stream on an oversized event, shows the branded error and reconnects with backoff', async () => {
    server = await startApiServer({ apiKey: KEY, data: makeData(3) });
    const adapter = createBrowserAdapter({
      baseUrl: server.url,
      apiKey: KEY,
      initialBackoffMs: 600,
      maxBackoffMs: 600,
      random: () => 1,
      maxEventSize: 32 * 1024,
    });
    render(<Dashboard adapter={adapter} />);
    await screen.findByRole('heading', { name: 'Connectors (3)' });
    await waitFor(() => expect(server!.openStreams()).toBe(1));
    // an endless event: 256 KiB of one data line in 16 KiB writes, never terminated
    server.writeRaw(`id: 99\nevent: availability\ndata: ${'x'.repeat(256 * 1024)}`);
    const hint = await screen.findByText(/Live updates interrupted; reconnecting/);
    expect(hint.textContent).toContain(
      'brAInwav: a live status event exceeded 32768 characters; the stream was dropped and will reconnect',
    );
    await waitFor(() => expect(server!.openStreams()).toBe(0));
    await waitFor(() => expect(server!.lastEventIds).toHaveLength(2), { timeout: 5000 });
    // the half-received event's id was never taken; the new stream works
    expect(server.lastEventIds[1]).toBe('1');
    act(() => server!.setAvailability('alpha', 'offline'));
    await waitFor(() => expect(pillNames()[0]).toBe('Availability: offline'));
    expect(screen.queryByText(/Live updates interrupted/)).toBeNull();
  });

  it('shows a branded troubleshooting alert when the server rejects the key', async () => {
    server = await startApiServer({ apiKey: KEY, data: makeData(3) });
    const adapter = createBrowserAdapter({ baseUrl: server.url, apiKey: 'wrong-key' });
    const { result } = renderHook(() => useConnectorState(adapter));
    await waitFor(() => expect(result.current.error?.code).toBe('FORBIDDEN'));
    expect(result.current.error?.message).toBe('brAInwav: API key rejected');
    render(<Dashboard adapter={adapter} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Check the API key');
    expect(alert.textContent).toContain('brAInwav: API key rejected');
  });

  it('names asbr when no verified map is loaded (503) and the server when it is unreachable', async () => {
    server = await startApiServer({ apiKey: KEY, data: makeData(3) });
    server.setMapUnavailable(true);
    const { unmount } = render(
      <Dashboard adapter={createBrowserAdapter({ baseUrl: server.url, apiKey: KEY })} />,
    );
    expect((await screen.findByRole('alert')).textContent).toContain('Check that asbr is running');
    unmount();
    const url = server.url;
    await server.close();
    server = undefined;
    render(<Dashboard adapter={createBrowserAdapter({ baseUrl: url, apiKey: KEY })} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Is the connectors server running? Start it with npm start');
    expect(alert.textContent).toContain('brAInwav: the connectors server is unreachable');
  });

  it('asks for the key once on 401, keeps it in sessionStorage only, and never puts it in the URL', async () => {
    server = await startApiServer({ apiKey: KEY, data: makeData(3) });
    const before = window.location.href;
    render(<BrowserRoot baseUrl={server.url} keyStore={createKeyStore()} />);
    const input = await screen.findByLabelText('API key');
    await userEvent.type(input, KEY);
    await userEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByRole('heading', { name: 'Connectors (3)' });
    expect(sessionStorage.getItem('brainwav.connectors.apiKey')).toBe(KEY);
    expect(window.location.href).toBe(before);
    expect(window.location.href).not.toContain(KEY);
  });

  it('refreshes only once half the map TTL has elapsed and aborts the older request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const t0 = Date.parse('2026-11-22T10:00:00.000Z');
    let clock = t0;
    const calls: Array<{ signal: AbortSignal; reply: Deferred<Response> }> = [];
    const fakeFetch = ((input: URL, init: RequestInit) => {
      if (String(input).endsWith('/events')) return new Promise<Response>(() => undefined);
      const reply = deferred<Response>();
      calls.push({ signal: init.signal!, reply });
      return reply.promise;
    }) as typeof fetch;
    const json = (body: unknown): Response =>
      new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    const adapter = createBrowserAdapter({
      baseUrl: 'http://connectors.test/',
      apiKey: KEY,
      fetch: fakeFetch,
    });
    const { result } = renderHook(() => useConnectorState(adapter, { now: () => clock }));
    await advance(0);
    expect(calls).toHaveLength(1);
    await settle(() => calls[0]!.reply.resolve(json(makeData(3, { generatedAt: t0, ttlSeconds: 40 }))));
    await advance(0);
    expect(result.current.statuses).toHaveLength(3);
    clock += 19_900;
    await advance(19_900);
    expect(calls).toHaveLength(1);
    clock += 200;
    await advance(200);
    expect(calls).toHaveLength(2);
    await settle(() => void result.current.refresh());
    expect(calls).toHaveLength(3);
    expect(calls[1]!.signal.aborted).toBe(true);
    expect(calls[2]!.signal.aborted).toBe(false);
    await settle(() =>
      calls[2]!.reply.resolve(json(makeData(4, { generatedAt: clock, ttlSeconds: 40, mapVersion: 2 }))),
    );
    await advance(0);
    expect(result.current.data?.mapVersion).toBe(2);
    expect(result.current.statuses).toHaveLength(4);
  });
});
