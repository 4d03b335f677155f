import { act, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserAdapter } from '../src/adapters/browser.js';
import { createOpenAiAdapter } from '../src/adapters/openai.js';
import { Dashboard } from '../src/components/Dashboard.js';
import { parseDashboardData } from '../src/lib/parse.js';
import { diagnoseMapHealth, parseMapHealth } from '../src/lib/mapHealth.js';
import type { DashboardData, MapHealth } from '../src/types.js';
import { makeData } from './support/fixtures.js';
import { startApiServer, type ApiServer } from './support/apiServer.js';
import { axeViolations, resetDom } from './support/render.js';

const GENERATED = Date.parse('2026-11-22T10:00:00.000Z');
const AT = '2026-11-22T10:01:00.000Z';
let server: ApiServer | undefined;

afterEach(async () => {
  resetDom();
  await server?.close();
  server = undefined;
});

function withHealth(health: MapHealth | undefined): DashboardData {
  const data = makeData(2, { generatedAt: GENERATED });
  return health ? { ...data, mapHealth: health } : data;
}

async function renderWith(health: MapHealth | undefined): Promise<{ container: HTMLElement }> {
  const view = render(
    <Dashboard
      adapter={createOpenAiAdapter({ toolOutput: withHealth(health), callTool: vi.fn() })}
      now={() => GENERATED}
    />,
  );
  await screen.findByRole('heading', { name: 'Connectors (2)' });
  return view;
}

describe('mapHealth parsing', () => {
  it('treats a missing or unknown mapHealth as fresh and keeps a reported one', () => {
    expect(parseDashboardData(makeData(1)).mapHealth).toEqual({ state: 'fresh', lastError: null });
    expect(parseMapHealth({ state: 'sideways' })).toEqual({ state: 'fresh', lastError: null });
    expect(
      parseMapHealth({
        state: 'refused',
        lastError: { code: 'BAD_SIGNATURE', message: 'brAInwav: signature mismatch', at: AT },
      }),
    ).toEqual({
      state: 'refused',
      lastError: { code: 'BAD_SIGNATURE', message: 'brAInwav: signature mismatch', at: AT },
    });
    expect(diagnoseMapHealth({ state: 'fresh', lastError: null }, AT)).toBeNull();
  });
});

describe('map-health troubleshooting card (jsdom + jest-axe)', () => {
  it('shows no card when the server omits mapHealth or reports fresh', async () => {
    await renderWith(undefined);
    expect(screen.queryByRole('alert')).toBeNull();
    resetDom();
    await renderWith({ state: 'fresh', lastError: null });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('stale: names asbr at ASBR_URL, npm start and the expiry of the map still shown, with zero axe violations', async () => {
    const { container } = await renderWith({
      state: 'stale',
      lastError: { code: 'UPSTREAM_UNAVAILABLE', message: 'brAInwav: connect ECONNREFUSED', at: AT },
    });
    const alert = screen.getByRole('alert');
    expect(alert.getAttribute('data-map-health')).toBe('stale');
    expect(alert.textContent).toContain(
      'Cause: The connectors server cannot reach asbr at ASBR_URL. Last error: UPSTREAM_UNAVAILABLE (brAInwav: connect ECONNREFUSED) at 10:01:00 UTC.',
    );
    expect(alert.textContent).toContain(
      'Fix: Start asbr (npm start). The dashboard shows the last verified map until it expires at 10:05:00 UTC.',
    );
    expect(screen.getAllByRole('article')).toHaveLength(2);
    expect(await axeViolations(container)).toEqual([]);
  });

  it('refused: names the verification code and CONNECTORS_VERIFY_KEYS / key rotation, with zero axe violations', async () => {
    const { container } = await renderWith({
      state: 'refused',
      lastError: { code: 'KEY_UNKNOWN', message: 'brAInwav: unknown kid', at: AT },
    });
    const alert = screen.getByRole('alert');
    expect(
      screen.getByRole('heading', { name: 'brAInwav: the fetched service map was refused' }),
    ).toBeTruthy();
    expect(alert.textContent).toContain('failed verification (KEY_UNKNOWN); the last good map is kept.');
    expect(alert.textContent).toContain(
      'Fix: Check CONNECTORS_VERIFY_KEYS / key rotation. The map was signed with a key this server does not know',
    );
    expect(await axeViolations(container)).toEqual([]);
  });

  it('expired: says there is no valid map, with zero axe violations', async () => {
    const { container } = await renderWith({ state: 'expired', lastError: null });
    expect(screen.getByRole('heading', { name: 'brAInwav: no valid map' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('There is no valid map');
    expect(await axeViolations(container)).toEqual([]);
  });
});

describe('map-health over the browser adapter (real HTTP + SSE)', () => {
  it('shows the card on a map-health SSE event and removes it when the map is fresh again', async () => {
    const key = 'test-key-0123456789';
    server = await startApiServer({ apiKey: key, data: makeData(2) });
    render(<Dashboard adapter={createBrowserAdapter({ baseUrl: server.url, apiKey: key })} />);
    await screen.findByRole('heading', { name: 'Connectors (2)' });
    await waitFor(() => expect(server!.lastEventIds).toHaveLength(1));
    expect(screen.queryByRole('alert')).toBeNull();
    act(() =>
      server!.setMapHealth({
        state: 'stale',
        lastError: { code: 'UPSTREAM_UNAVAILABLE', message: 'brAInwav: asbr unreachable', at: AT },
      }),
    );
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('cannot reach asbr at ASBR_URL'),
    );
    act(() => server!.setMapHealth({ state: 'fresh', lastError: null }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('shows the card from the mapHealth of GET /v1/connectors', async () => {
    const key = 'test-key-0123456789';
    server = await startApiServer({
      apiKey: key,
      data: withHealth({
        state: 'expired',
        lastError: { code: 'EXPIRED', message: 'brAInwav: map expired', at: AT },
      }),
    });
    render(<Dashboard adapter={createBrowserAdapter({ baseUrl: server.url, apiKey: key })} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Last error: EXPIRED (brAInwav: map expired) at 10:01:00 UTC.');
  });
});
