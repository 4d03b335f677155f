import { act, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dashboard } from '../src/components/Dashboard.js';
import { useConnectorState } from '../src/useConnectorState.js';
import { dashboardAnswer, deferred, makeData, type Deferred } from './support/fixtures.js';
import { startTestMcpHost, type TestMcpHost } from './support/mcpHost.js';
import {
  advance,
  pillNames,
  resetDom,
  resetVisibility,
  setVisibility,
  settle,
  trafficView,
} from './support/render.js';

let host: TestMcpHost | undefined;

afterEach(async () => {
  resetDom();
  resetVisibility();
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

describe('MCP Apps adapter: live data by polling connectors_dashboard through the host', () => {
  /**
   * Host state its `connectors_dashboard` answers from; `failNext` answers the next call with a tool error, `hold`
   * (when set) is the pending answer of every call.
   */
  const state: {
    data: ReturnType<typeof makeData>;
    extraCalls: number;
    failNext: boolean;
    hold: Deferred<ReturnType<typeof toolResult>> | null;
  } = { data: makeData(3), extraCalls: 0, failNext: false, hold: null };
  const windows = (): unknown[] =>
    host!.calls
      .filter((c) => c.params.name === 'connectors_dashboard')
      .map((c) => c.params.arguments?.window);

  async function start(): Promise<TestMcpHost> {
    Object.assign(state, { data: makeData(3), extraCalls: 0, failNext: false, hold: null });
    return startTestMcpHost({
      initial: dashboardAnswer(state.data, '15m')!,
      adapterOptions: { pollIntervalMs: 1_000, initialBackoffMs: 1_000, random: () => 1 },
      onCall: (params) => {
        if (state.hold) return state.hold.promise;
        if (state.failNext) {
          state.failNext = false;
          return Promise.resolve({
            content: [{ type: 'text', text: 'brAInwav: connectors_dashboard failed: no verified map' }],
            isError: true,
          });
        }
        return Promise.resolve(
          toolResult(dashboardAnswer(state.data, params.arguments?.window, state.extraCalls)),
        );
      },
    });
  }

  it('polls with {window}, moves the chart and the statuses, switches to 1 h, backs off on a tool error', async () => {
    host = await start();
    const adapter = host.adapter;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const { container } = render(<Dashboard adapter={adapter} />);
    await advance(0);
    await advance(0);
    expect(windows()).toEqual(['15m']);
    const before = Number(trafficView(container)[0]!.calls);
    expect(trafficView(container).map((c) => c.bars)).toEqual([15, 15, 15]);

    state.extraCalls = 6;
    state.data = makeData(3);
    state.data.connectors[0]!.availability = 'offline';
    await advance(1_000);
    expect(windows()).toEqual(['15m', '15m']);
    expect(trafficView(container)[0]).toEqual({
      id: 'alpha',
      calls: String(before + 6),
      bars: 15,
      spans: ['online', 'offline'],
    });
    expect(pillNames()[0]).toBe('Availability: offline');

    fireEvent.click(screen.getByRole('button', { name: '1 h' }));
    await advance(0);
    expect(windows()).toEqual(['15m', '15m', '1h']);
    expect(trafficView(container).map((c) => c.bars)).toEqual([60, 60, 60]);

    state.failNext = true;
    await advance(1_000);
    expect(windows()).toHaveLength(4);
    expect(screen.getByText(/^Live updates interrupted/).textContent).toBe(
      'Live updates interrupted; reconnecting… brAInwav: connectors_dashboard failed: no verified map',
    );
    await advance(999); // backoff 1 s after the first failure (random 1 → the whole ceiling)
    expect(windows()).toHaveLength(4);
    await advance(1);
    expect(windows()).toEqual(['15m', '15m', '1h', '1h', '1h']);
    expect(screen.queryByText(/^Live updates interrupted/)).toBeNull();
  });

  it('pauses while hidden, resumes at once when visible, and aborts the call in flight on unmount', async () => {
    host = await start();
    const adapter = host.adapter;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const { unmount } = render(<Dashboard adapter={adapter} />);
    await advance(0);
    await advance(0);
    expect(windows()).toEqual(['15m']);
    await setVisibility('hidden');
    await advance(5_000);
    expect(windows()).toEqual(['15m']);
    await setVisibility('visible');
    await advance(0);
    expect(windows()).toEqual(['15m', '15m']);

    // a poll that hangs blocks the next one (no overlap) until the panel goes away, which aborts it
    state.hold = deferred<ReturnType<typeof toolResult>>();
    await advance(1_000);
    await advance(5_000);
    expect(windows()).toEqual(['15m', '15m', '15m']);
    const inFlight = host.calls.at(-1)!;
    expect(inFlight.signal?.aborted).toBe(false);
    unmount();
    for (let i = 0; i < 5 && !inFlight.signal?.aborted; i += 1) await advance(10);
    expect(inFlight.signal?.aborted).toBe(true);
    await advance(10_000);
    expect(windows()).toHaveLength(3);
    state.hold.resolve(toolResult(dashboardAnswer(state.data, '15m')));
  });
});
