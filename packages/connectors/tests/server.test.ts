import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import {
  API_KEY,
  connector,
  controlledSource,
  rest,
  signedMapText,
  startApp,
  testEnv,
  widgetDirs,
  removeDir,
} from './helpers.js';

describe('connectors server REST', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let mapText: string;
  let widget: { root: string; dist: string; src: string };

  beforeAll(async () => {
    fixture = await startFixtureServer();
    mapText = await signedMapText([
      connector('fixtures', fixture.url),
      connector('off', 'http://127.0.0.1:9/mcp', { enabled: false }),
    ]);
    widget = await widgetDirs('fresh');
    app = await startApp(
      testEnv({ CONNECTORS_WIDGET_DIR: widget.dist, CONNECTORS_WIDGET_SRC_DIR: widget.src }),
      controlledSource(mapText),
    );
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.stop();
    await removeDir(widget.root);
  });

  it('answers 401 without a key and 403 with a wrong one, branded', async () => {
    const none = await app.inject({ method: 'GET', url: '/v1/connectors' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ brand: 'brAInwav', error: { code: 'UNAUTHORIZED' } });
    expect(none.json().error.message).toMatch(/^brAInwav: /);
    const wrong = await app.inject({
      method: 'GET',
      url: '/v1/connectors',
      headers: { 'x-api-key': 'not-the-key-0123456789' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('FORBIDDEN');
    const mcpKeyOnRest = await app.inject({
      method: 'GET',
      url: '/v1/connectors',
      headers: { 'x-api-key': 'mcp-key-0123456789abcdef' },
    });
    expect(mcpKeyOnRest.statusCode).toBe(403);
  });

  it('lists the verified connectors joined with live state', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/connectors', headers: { 'x-api-key': API_KEY } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      brand: 'brAInwav',
      manifestId: 'test-manifest',
      manifestVersion: 'v1',
      mapVersion: 1,
    });
    expect((body.connectors as { id: string }[]).map((c) => c.id)).toEqual(['fixtures', 'off']);
    const off = body.connectors[1];
    expect(off).toMatchObject({
      status: 'disabled',
      availability: 'unknown',
      breaker: 'closed',
      lastError: null,
      tools: [],
    });
    expect(body.connectors[0].quotas).toEqual({ perMinute: 60, perHour: 1000 });
  });

  it('serves the exact signed bytes of the verified map', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/connectors/service-map', headers: rest });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toBe(mapText);
  });

  it('probes a connector and 404s an unknown one', async () => {
    const ok = await app.inject({ method: 'POST', url: '/v1/connectors/fixtures/probe', headers: rest });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ brand: 'brAInwav', connectorId: 'fixtures', availability: 'online' });
    expect(typeof ok.json().latencyMs).toBe('number');
    const missing = await app.inject({ method: 'POST', url: '/v1/connectors/nope/probe', headers: rest });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('CONNECTOR_NOT_FOUND');
  });

  it('calls a tool through quotas and metrics, and lists tools once online', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/connectors/fixtures/tools/echo/call',
      headers: rest,
      payload: { arguments: { text: 'hi brAInwav' } },
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json().content)).toContain('hi brAInwav');
    const list = await app.inject({ method: 'GET', url: '/v1/connectors', headers: rest });
    const fx = list.json().connectors[0];
    expect(fx.availability).toBe('online');
    expect(fx.quotaUse.minute).toBeGreaterThanOrEqual(1);
    expect((fx.tools as { name: string }[]).map((t) => t.name)).toContain('echo');
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      /brainwav_mcp_tool_calls_total\{connector="fixtures",tool="echo",outcome="ok"\} 1/,
    );
  });

  it('answers 404 for a tool call on an unknown connector and UPSTREAM_UNAVAILABLE for a disabled one', async () => {
    const missing = await app.inject({
      method: 'POST',
      url: '/v1/connectors/nope/tools/echo/call',
      headers: rest,
      payload: {},
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('CONNECTOR_NOT_FOUND');
    const off = await app.inject({
      method: 'POST',
      url: '/v1/connectors/off/tools/echo/call',
      headers: rest,
      payload: {},
    });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'brAInwav: connector "off" is disabled' }],
      _meta: { 'io.brainwav/error': { code: 'UPSTREAM_UNAVAILABLE' } },
    });
  });

  it('rejects a malformed call body with 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/connectors/fixtures/tools/echo/call',
      headers: rest,
      payload: { arguments: 5 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
  });

  it('records the widget LCP beacon without a key', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/apps/beacon',
      payload: { name: 'lcp', value: 812.4 },
    });
    expect(res.statusCode).toBe(204);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/brainwav_apps_widget_lcp_ms 812\.4/);
    const big = await app.inject({
      method: 'POST',
      url: '/v1/apps/beacon',
      payload: { name: 'lcp', value: 1, pad: 'x'.repeat(2000) },
    });
    expect(big.statusCode).toBe(413);
  });

  it('reports health and readiness', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({
      brand: 'brAInwav',
      status: 'ok',
    });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', mapVersion: 1, lastRefusal: null });
  });
});
