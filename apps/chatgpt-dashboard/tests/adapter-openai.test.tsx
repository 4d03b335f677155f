import { act, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOpenAiAdapter, type OpenAiBridge } from '../src/adapters/openai.js';
import { Dashboard } from '../src/components/Dashboard.js';
import { useConnectorState } from '../src/useConnectorState.js';
import { dashboardAnswer, deferred, makeData, type Deferred } from './support/fixtures.js';
import {
  advance,
  pillNames,
  resetDom,
  resetVisibility,
  setVisibility,
  settle,
  trafficView,
} from './support/render.js';

afterEach(() => {
  resetDom();
  resetVisibility();
  vi.useRealTimers();
});

/** A scripted `window.openai` the way ChatGPT injects it. */
function fakeOpenAi(overrides: Partial<OpenAiBridge> = {}): OpenAiBridge & { saved: unknown[] } {
  const saved: unknown[] = [];
  return {
    theme: 'dark',
    toolOutput: makeData(3),
    widgetState: null,
    callTool: vi.fn(() => Promise.resolve({ structuredContent: makeData(3, { mapVersion: 2 }) })),
    setWidgetState: (state: unknown) => void saved.push(state),
    saved,
    ...overrides,
  };
}

describe('ChatGPT adapter (window.openai)', () => {
  it('initializes from toolOutput, exposes statuses and applies the host theme', async () => {
    const openai = fakeOpenAi();
    const adapter = createOpenAiAdapter(openai);
    const { result, unmount } = renderHook(() => useConnectorState(adapter));
    await waitFor(() =>
      expect(result.current.statuses.map((s) => s.availability)).toEqual(['online', 'offline', 'unknown']),
    );
    expect(result.current.theme).toBe('dark');
    expect(openai.callTool).not.toHaveBeenCalled();
    unmount();
    render(<Dashboard adapter={createOpenAiAdapter(openai)} />);
    await screen.findByRole('heading', { name: 'Connectors (3)' });
    expect(pillNames()).toEqual(['Availability: online', 'Availability: offline', 'Availability: disabled']);
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('follows openai:set_globals for new tool output and theme', async () => {
    render(<Dashboard adapter={createOpenAiAdapter(fakeOpenAi())} />);
    await screen.findByRole('heading', { name: 'Connectors (3)' });
    const next = makeData(3, { mapVersion: 5 });
    next.connectors[0]!.availability = 'degraded';
    act(() => {
      window.dispatchEvent(
        new CustomEvent('openai:set_globals', { detail: { globals: { theme: 'light', toolOutput: next } } }),
      );
    });
    await waitFor(() => expect(pillNames()[0]).toBe('Availability: degraded'));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(screen.getByRole('status').textContent).toBe('Alpha connector is now degraded');
  });

  it('shows a branded error when the host call rejects', async () => {
    const openai = fakeOpenAi({
      toolOutput: null,
      callTool: vi.fn(() => Promise.reject(new Error('host bridge exploded'))),
    });
    const adapter = createOpenAiAdapter(openai);
    const { result } = renderHook(() => useConnectorState(adapter));
    await waitFor(() => expect(result.current.error?.message).toBe('brAInwav: host bridge exploded'));
    expect(openai.callTool).toHaveBeenCalledWith('connectors_dashboard', {});
    render(<Dashboard adapter={createOpenAiAdapter(openai)} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('brAInwav: host bridge exploded');
    expect(alert.textContent).toContain('connectors_dashboard');
  });

  it('refreshes only once half the map TTL has elapsed and drops the older call', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const t0 = Date.parse('2026-11-22T10:00:00.000Z');
    let clock = t0;
    const pending: Array<Deferred<unknown>> = [];
    const openai = fakeOpenAi({
      toolOutput: makeData(3, { generatedAt: t0, ttlSeconds: 60 }),
      callTool: vi.fn(() => {
        const reply = deferred<unknown>();
        pending.push(reply);
        return reply.promise;
      }),
    });
    const adapter = createOpenAiAdapter(openai);
    const { result } = renderHook(() => useConnectorState(adapter, { now: () => clock }));
    await advance(0);
    expect(result.current.data?.mapVersion).toBe(1);
    clock += 29_000;
    await advance(29_000);
    expect(openai.callTool).toHaveBeenCalledTimes(0);
    clock += 1_000;
    await advance(1_000);
    expect(openai.callTool).toHaveBeenCalledTimes(1);
    await settle(() => void result.current.refresh());
    expect(openai.callTool).toHaveBeenCalledTimes(2);
    await settle(() =>
      pending[1]!.resolve({ structuredContent: makeData(3, { generatedAt: clock, mapVersion: 3 }) }),
    );
    await settle(() =>
      pending[0]!.resolve({ structuredContent: makeData(3, { generatedAt: clock, mapVersion: 2 }) }),
    );
    await advance(0);
    expect(result.current.data?.mapVersion).toBe(3);
    expect(result.current.error).toBeNull();
  });

  it('runs "Try it" through callTool with <connector>__<tool> and persists the selection as widgetState', async () => {
    const openai = fakeOpenAi();
    vi.mocked(openai.callTool).mockImplementation((name: string) =>
      Promise.resolve(
        name === 'alpha__echo'
          ? { content: [{ type: 'text', text: 'echo: hello' }] }
          : { structuredContent: makeData(3) },
      ),
    );
    render(<Dashboard adapter={createOpenAiAdapter(openai)} />);
    await screen.findByRole('heading', { name: 'Try it' }, { timeout: 15_000 });
    await userEvent.selectOptions(screen.getByLabelText('Tool'), 'echo');
    await userEvent.type(screen.getByLabelText(/message/), 'hello');
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(await screen.findByLabelText('Tool result')).toHaveProperty('textContent', 'echo: hello');
    expect(openai.callTool).toHaveBeenCalledWith('alpha__echo', {
      message: 'hello',
      loud: false,
      tone: 'plain',
    });
    expect(openai.saved).toEqual([{ connectorId: 'alpha', tool: 'echo' }]);
  });
});

/**
 * A `window.openai` whose `connectors_dashboard` answers like the server: the statuses of `host.data` with the
 * traffic of the asked window (`host.extraCalls` more calls on alpha); `host.failures` calls reject first.
 */
function pollingOpenAi(): OpenAiBridge & {
  host: { data: ReturnType<typeof makeData>; extraCalls: number; failures: number };
  windows: unknown[];
} {
  const host = { data: makeData(3), extraCalls: 0, failures: 0 };
  const windows: unknown[] = [];
  return {
    host,
    windows,
    theme: 'light',
    toolOutput: dashboardAnswer(host.data, '15m'),
    callTool: vi.fn((name: string, args: Record<string, unknown>) => {
      if (name !== 'connectors_dashboard') return Promise.resolve({ content: [] });
      windows.push(args.window);
      if (host.failures > 0) {
        host.failures -= 1;
        return Promise.reject(new Error('bridge busy'));
      }
      return Promise.resolve({ structuredContent: dashboardAnswer(host.data, args.window, host.extraCalls) });
    }),
  };
}

const alphaCalls = (container: Element): string => trafficView(container)[0]!.calls;
/** The dashboard's "Live updates interrupted" hint, or `null`. */
const liveHint = (container: Element): string | null =>
  [...container.querySelectorAll('p.hint')]
    .map((p) => p.textContent ?? '')
    .find((text) => text.startsWith('Live updates')) ?? null;

describe('ChatGPT adapter: live data by polling connectors_dashboard', () => {
  it('polls with the panel window: reports reach the chart, statuses and timeline update, 1 h changes the argument', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const openai = pollingOpenAi();
    const { container } = render(
      <Dashboard adapter={createOpenAiAdapter(openai, window, { pollIntervalMs: 1_000 })} />,
    );
    await advance(0);
    // the delivered tool output draws at once (no "Loading traffic…"), the first poll runs with it
    const first = trafficView(container);
    expect(first.map((c) => [c.id, c.bars, c.spans])).toEqual([
      ['alpha', 15, ['online']],
      ['bravo', 15, ['online', 'offline']],
      ['charlie', 15, ['disabled']],
    ]);
    expect(openai.windows).toEqual(['15m']);
    const before = Number(first[0]!.calls);

    openai.host.extraCalls = 4;
    openai.host.data = makeData(3);
    openai.host.data.connectors[0]!.availability = 'offline';
    await advance(999);
    expect(openai.windows).toEqual(['15m']);
    await advance(1);
    expect(openai.windows).toEqual(['15m', '15m']);
    expect(alphaCalls(container)).toBe(String(before + 4));
    expect(trafficView(container)[0]!.spans).toEqual(['online', 'offline']);
    expect(container.querySelectorAll('tr[data-call]')).toHaveLength(13);
    expect(pillNames()[0]).toBe('Availability: offline');
    expect(screen.getByRole('status').textContent).toBe('Alpha connector is now offline');

    fireEvent.click(screen.getByRole('button', { name: '1 h' }));
    await advance(0);
    expect(openai.windows).toEqual(['15m', '15m', '1h']);
    expect(trafficView(container).map((c) => c.bars)).toEqual([60, 60, 60]);
    await advance(1_000);
    expect(openai.windows).toEqual(['15m', '15m', '1h', '1h']);
    // back to 15 min: the last 15-minute report shows at once, then a 15-minute poll
    fireEvent.click(screen.getByRole('button', { name: '15 min' }));
    expect(trafficView(container).map((c) => c.bars)).toEqual([15, 15, 15]);
    await advance(0);
    expect(openai.windows).toEqual(['15m', '15m', '1h', '1h', '15m']);
  });

  it('pauses while the page is hidden, polls at once when visible again, and stops on unmount', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const openai = pollingOpenAi();
    const { container, unmount } = render(
      <Dashboard adapter={createOpenAiAdapter(openai, window, { pollIntervalMs: 1_000 })} />,
    );
    await advance(0);
    expect(openai.windows).toHaveLength(1);
    await setVisibility('hidden');
    openai.host.extraCalls = 2;
    await advance(10_000);
    expect(openai.windows).toHaveLength(1);
    const hiddenCalls = alphaCalls(container);
    await setVisibility('visible');
    await advance(0);
    expect(openai.windows).toHaveLength(2);
    expect(Number(alphaCalls(container))).toBe(Number(hiddenCalls) + 2);
    await advance(1_000);
    expect(openai.windows).toHaveLength(3);
    unmount();
    await advance(10_000);
    expect(openai.windows).toHaveLength(3);
  });

  it('backs off after failed polls (1 s, 2 s, 4 s), says so, then recovers to the interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const openai = pollingOpenAi();
    openai.host.failures = 3;
    const { container } = render(
      <Dashboard
        adapter={createOpenAiAdapter(openai, window, {
          pollIntervalMs: 1_000,
          initialBackoffMs: 1_000,
          random: () => 1,
        })}
      />,
    );
    const counts: number[] = [];
    const hints: Array<string | null> = [];
    for (const step of [0, 999, 1, 1_999, 1, 3_999, 1]) {
      await advance(step);
      counts.push(openai.windows.length);
      hints.push(liveHint(container));
    }
    expect(counts).toEqual([1, 1, 2, 2, 3, 3, 4]);
    const failing = 'Live updates interrupted; reconnecting… brAInwav: bridge busy';
    expect(hints).toEqual([failing, failing, failing, failing, failing, failing, null]);
    // the 4th poll succeeded: the next poll follows the normal interval
    await advance(1_000);
    expect(openai.windows).toHaveLength(5);
    expect(alphaCalls(container)).not.toBe('');
  });

  it('shows the reconnecting hint with the branded cause while polls fail, keeping the last report', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const openai = pollingOpenAi();
    const { container } = render(
      <Dashboard adapter={createOpenAiAdapter(openai, window, { pollIntervalMs: 1_000, random: () => 1 })} />,
    );
    await advance(0);
    const shown = alphaCalls(container);
    openai.host.failures = 1;
    openai.host.extraCalls = 3;
    await advance(1_000);
    expect(liveHint(container)).toBe('Live updates interrupted; reconnecting… brAInwav: bridge busy');
    expect(alphaCalls(container)).toBe(shown);
    await advance(1_000);
    expect(liveHint(container)).toBeNull();
    expect(Number(alphaCalls(container))).toBe(Number(shown) + 3);
  });
});
