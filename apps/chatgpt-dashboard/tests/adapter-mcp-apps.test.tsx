import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dashboard } from '../src/components/Dashboard.js';
import { useConnectorState } from '../src/useConnectorState.js';
import { deferred, makeData, type Deferred } from './support/fixtures.js';
import { startTestMcpHost, type TestMcpHost } from './support/mcpHost.js';
import { advance, pillNames, resetDom, settle } from './support/render.js';

let host: TestMcpHost | undefined;

afterEach(async () => {
  resetDom();
  vi.useRealTimers();
  await host?.close();
  host = undefined;
});

const toolResult = (data: unknown) => ({
  content: [{ type: 'text' as const, text: 'ok' }],
  structuredContent: data as Record<string, unknown>,
});

describe('MCP Apps adapter (ext-apps App ↔ AppBridge)', () => {
  it('initializes from the tool result the host delivers and exposes statuses and the host theme', async () => {
    host = await startTestMcpHost({
      initial: makeData(3),
      onCall: () => Promise.resolve(toolResult(makeData(3))),
    });
    const adapter = host.adapter;
    const { result, unmount } = renderHook(() => useConnectorState(adapter));
    await waitFor(() =>
      expect(result.current.statuses.map((s) => s.id)).toEqual(['alpha', 'bravo', 'charlie']),
    );
    expect(result.current.theme).toBe('dark');
    expect(host.calls).toEqual([]);
    unmount();
    render(<Dashboard adapter={adapter} />);
    await screen.findByRole('heading', { name: 'Connectors (3)' });
    expect(pillNames()).toEqual(['Availability: online', 'Availability: offline', 'Availability: disabled']);
  });

  it('pushes a later tool result as a snapshot and follows host theme changes', async () => {
    host = await startTestMcpHost({
      initial: makeData(3),
      onCall: () => Promise.resolve(toolResult(makeData(3))),
    });
    render(<Dashboard adapter={host.adapter} />);
    await screen.findByRole('heading', { name: 'Connectors (3)' });
    const next = makeData(3, { mapVersion: 2 });
    next.connectors[0]!.availability = 'offline';
    await act(async () => {
      await host!.bridge.sendToolResult(toolResult(next));
      host!.bridge.setHostContext({ theme: 'light' });
    });
    await waitFor(() => expect(pillNames()[0]).toBe('Availability: offline'));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
  });

  it('fetches with callServerTool(connectors_dashboard) when no result arrives, with a branded error on rejection', async () => {
    host = await startTestMcpHost({
      initial: null,
      initialResultTimeoutMs: 50,
      onCall: () => Promise.reject(new Error('gateway exploded')),
    });
    const adapter = host.adapter;
    const { result } = renderHook(() => useConnectorState(adapter));
    await waitFor(() => expect(result.current.error).not.toBeNull());
    expect(result.current.error?.message).toMatch(/^brAInwav: .*gateway exploded/);
    expect(host.calls.map((c) => c.params.name)).toEqual(['connectors_dashboard']);
    render(<Dashboard adapter={adapter} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('gateway exploded');
  });

  it('refreshes only once half the map TTL has elapsed and cancels the older host request', async () => {
    const t0 = Date.parse('2026-11-22T10:00:00.000Z');
    let clock = t0;
    const replies: Array<Deferred<ReturnType<typeof toolResult>>> = [];
    host = await startTestMcpHost({
      initial: makeData(3, { generatedAt: t0, ttlSeconds: 40 }),
      onCall: () => {
        const reply = deferred<ReturnType<typeof toolResult>>();
        replies.push(reply);
        return reply.promise;
      },
    });
    const adapter = host.adapter;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const { result } = renderHook(() => useConnectorState(adapter, { now: () => clock }));
    await advance(0);
    expect(result.current.data?.mapVersion).toBe(1);
    clock += 19_000;
    await advance(19_000);
    expect(host.calls).toHaveLength(0);
    clock += 1_000;
    await advance(1_000);
    expect(host.calls.map((c) => c.params.name)).toEqual(['connectors_dashboard']);
    await settle(() => void result.current.refresh());
    await advance(0);
    expect(host.calls).toHaveLength(2);
    expect(host.calls[0]!.signal?.aborted).toBe(true);
    expect(host.calls[1]!.signal?.aborted).toBe(false);
    await settle(() => replies[1]!.resolve(toolResult(makeData(3, { generatedAt: clock, mapVersion: 2 }))));
    await advance(0);
    expect(result.current.data?.mapVersion).toBe(2);
    expect(result.current.error).toBeNull();
  });
});
