import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createOpenAiAdapter } from '../src/adapters/openai.js';
import { Dashboard } from '../src/components/Dashboard.js';
import { TrafficPanel } from '../src/components/TrafficPanel.js';
import type { TrafficReport, TrafficSource } from '../src/types.js';
import { makeData } from './support/fixtures.js';
import { axeViolations, resetDom } from './support/render.js';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const MIN = 60_000;

function report(windowMinutes: 15 | 60, calls: number): TrafficReport {
  const from = T0 - (windowMinutes - 1) * MIN;
  const points = Array.from({ length: windowMinutes }, (_, i) => ({
    t: from + i * MIN,
    calls: i === windowMinutes - 1 ? calls : 0,
    errors: i === windowMinutes - 1 ? 1 : 0,
    offline: 0,
    refused: 0,
    p50Ms: i === windowMinutes - 1 ? 12 : null,
    p95Ms: i === windowMinutes - 1 ? 40 : null,
  }));
  const totals = {
    calls,
    errors: 1,
    offline: 0,
    refused: 0,
    p50Ms: 12,
    p95Ms: 40,
    errorRate: 1 / calls,
    offlineRate: 0,
  };
  const quota = {
    perMinute: 60,
    perHour: 1000,
    minuteUse: calls,
    hourUse: calls,
    burnPerMinute: calls / 5,
    minuteExhaustsInSec: null,
    hourExhaustsInSec: null,
  };
  return {
    windowMinutes,
    from,
    to: T0 + 30_000,
    connectors: [
      {
        id: 'alpha',
        displayName: 'Alpha',
        status: 'enabled',
        points,
        totals,
        quota,
        timeline: [
          { from, to: T0 - 5 * MIN, state: 'online' },
          { from: T0 - 5 * MIN, to: T0 + 30_000, state: 'offline' },
        ],
      },
    ],
    recent: [
      {
        id: '1',
        at: new Date(T0 + 1_000).toISOString(),
        callerId: 'key-0123abcd',
        connectorId: 'alpha',
        tool: 'echo',
        outcome: 'ok',
        durationMs: 9,
      },
      {
        id: '2',
        at: new Date(T0 + 2_000).toISOString(),
        callerId: 'key-0123abcd',
        connectorId: 'alpha',
        tool: 'echo',
        outcome: 'error',
        durationMs: 30,
      },
      {
        id: '3',
        at: new Date(T0 + 3_000).toISOString(),
        callerId: 'svc-b',
        connectorId: 'bravo',
        tool: 'add',
        outcome: 'offline',
        durationMs: 2,
      },
    ],
  };
}

function scripted(): TrafficSource & { push(r: TrafficReport): void; windows: number[] } {
  let listener: ((r: TrafficReport) => void) | undefined;
  const windows: number[] = [];
  return {
    windows,
    push: (r) => listener?.(r),
    traffic: (w, on) => {
      windows.push(w);
      listener = on;
      on(report(w, 4));
      return () => (listener = undefined);
    },
  };
}

describe('TrafficPanel', () => {
  afterEach(resetDom);

  it('draws an SVG chart and timeline with text alternatives, follows live reports, toggles 1 h and the table', async () => {
    const source = scripted();
    const { container } = render(<TrafficPanel source={source} />);
    const chart = container.querySelector('svg.chart')!;
    expect(chart.getAttribute('data-calls')).toBe('4');
    expect(chart.getAttribute('aria-label')).toContain('4 calls in 15 min, 1 errors');
    expect(container.querySelectorAll('svg.chart rect.bar-calls')).toHaveLength(15);
    const spans = [...container.querySelectorAll('svg.timeline rect')].map((r) =>
      r.getAttribute('data-state'),
    );
    expect(spans).toEqual(['online', 'offline']);
    expect(
      screen.getByRole('img', {
        name: /Alpha availability: online 09:46–09:55 UTC, offline 09:55–10:00 UTC/,
      }),
    ).toBeTruthy();
    act(() => source.push(report(15, 9)));
    expect(container.querySelector('svg.chart')!.getAttribute('data-calls')).toBe('9');
    await userEvent.click(screen.getByRole('button', { name: '1 h' }));
    expect(source.windows).toEqual([15, 60]);
    expect(container.querySelectorAll('svg.chart rect.bar-calls')).toHaveLength(60);
    await userEvent.click(screen.getByRole('button', { name: 'Table view' }));
    expect(screen.getByRole('button', { name: 'Table view' }).getAttribute('aria-pressed')).toBe('true');
    const table = container.querySelector('[data-traffic="alpha"] table')!;
    expect(within(table as HTMLElement).getAllByRole('row')).toHaveLength(61);
    expect(await axeViolations(container)).toEqual([]);
  });

  it('filters recent calls by connector and outcome', async () => {
    const { container } = render(<TrafficPanel source={scripted()} />);
    const rows = (): string[] =>
      [...container.querySelectorAll('tr[data-call]')].map((r) => r.getAttribute('data-outcome')!);
    expect(rows()).toEqual(['ok', 'error', 'offline']);
    await userEvent.selectOptions(screen.getByLabelText('Calls by connector'), 'alpha');
    expect(rows()).toEqual(['ok', 'error']);
    await userEvent.selectOptions(screen.getByLabelText('Calls by outcome'), 'error');
    expect(rows()).toEqual(['error']);
    expect(screen.getByText('key-0123abcd')).toBeTruthy();
    expect(await axeViolations(container)).toEqual([]);
  });
});

describe('Dashboard header and disabled connectors', () => {
  afterEach(resetDom);
  it('shows the manifest version and signing time, the raw map version in a tooltip, and "disabled"', async () => {
    const data = makeData(3, { mapVersion: 1764756000 });
    render(<Dashboard adapter={createOpenAiAdapter({ toolOutput: data, callTool: vi.fn() })} />);
    const signed = await screen.findByText(/^signed /);
    expect(signed.textContent).toBe(`signed ${data.generatedAt.slice(11, 19)} UTC`);
    expect(signed.getAttribute('title')).toBe('map version 1764756000');
    expect(screen.queryByText(/map v1764756000/)).toBeNull();
    expect(screen.getAllByRole('img', { name: 'Availability: disabled' })).toHaveLength(1);
  });
});

describe('traffic in the ChatGPT / MCP Apps hosts (tool result, then polling)', () => {
  afterEach(resetDom);
  it('draws the chart from the delivered data.traffic at once, before any poll answers', async () => {
    const data = { ...makeData(3), traffic: report(15, 7) };
    const callTool = vi.fn(() => new Promise<never>(() => undefined));
    const { container } = render(<Dashboard adapter={createOpenAiAdapter({ toolOutput: data, callTool })} />);
    await screen.findByRole('heading', { name: 'Traffic' });
    expect(screen.queryByText('Loading traffic…')).toBeNull();
    expect(container.querySelector('[data-traffic="alpha"] svg.chart')!.getAttribute('data-calls')).toBe('7');
    expect(container.querySelectorAll('tr[data-call]')).toHaveLength(3);
    expect(callTool.mock.calls).toEqual([['connectors_dashboard', { window: '15m' }]]);
  });
  it('draws the first poll report when the delivered result has none', async () => {
    const callTool = vi.fn((_name: string, args: Record<string, unknown>) =>
      Promise.resolve({
        structuredContent: { ...makeData(3), traffic: report(15, args.window === '1h' ? 0 : 5) },
      }),
    );
    const { container } = render(
      <Dashboard adapter={createOpenAiAdapter({ toolOutput: makeData(3), callTool })} />,
    );
    await screen.findByRole('heading', { name: 'Traffic' });
    await vi.waitFor(() =>
      expect(container.querySelector('[data-traffic="alpha"] svg.chart')?.getAttribute('data-calls')).toBe(
        '5',
      ),
    );
    expect(callTool).toHaveBeenCalledWith('connectors_dashboard', { window: '15m' });
  });
});
