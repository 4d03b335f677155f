import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOpenAiAdapter, type OpenAiBridge } from '../src/adapters/openai.js';
import { Dashboard } from '../src/components/Dashboard.js';
import { useConnectorState } from '../src/useConnectorState.js';
import { deferred, makeData, type Deferred } from './support/fixtures.js';
import { advance, pillNames, resetDom, settle } from './support/render.js';

afterEach(() => {
  resetDom();
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
