import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import {
  API_KEY,
  connector,
  controlledSource,
  readSse,
  rest,
  signedMapText,
  startApp,
  testEnv,
} from './helpers.js';

describe('SSE /v1/connectors/events', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let base: string;
  let source: ReturnType<typeof controlledSource>;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    source = controlledSource(
      await signedMapText([connector('fixtures', fixture.url), connector('extra', fixture.url)]),
    );
    app = await startApp(testEnv(), source, {
      heartbeatMs: 200,
      quotaCoalesceMs: 20,
      maxBufferedBytes: 64 * 1024,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.stop();
  });

  it('refuses a stream without a key (401) or with a wrong key (403)', async () => {
    const none = await fetch(`${base}/v1/connectors/events`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    const wrong = await fetch(`${base}/v1/connectors/events`, {
      headers: { authorization: 'Bearer wrong-key-0123456789abc' },
    });
    expect(wrong.status).toBe(403);
  });

  it('sends the first byte within 1 s, a snapshot, live events and heartbeats', async () => {
    const started = Date.now();
    const res = await fetch(`${base}/v1/connectors/events`, { headers: { 'x-api-key': API_KEY } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(new TextDecoder().decode(first.value)).toContain(': brAInwav connectors events');
    reader.releaseLock();

    // a REST call → coalesced quota event; a new map without `extra` → map-updated + availability(removed)
    await app.inject({
      method: 'POST',
      url: '/v1/connectors/fixtures/tools/echo/call',
      headers: rest,
      payload: { arguments: { text: 'x' } },
    });
    source.set(await signedMapText([connector('fixtures', fixture.url)], 2));
    await app.connectors.runtime.refresh();
    const { events, raw } = await readSse(
      res,
      (ev, r) =>
        ev.some((e) => e.event === 'map-updated') &&
        ev.some((e) => e.event === 'quota') &&
        r.includes(': heartbeat'),
    );
    const snapshot = events.find((e) => e.event === 'snapshot');
    expect(JSON.parse(snapshot!.data!)).toMatchObject({ brand: 'brAInwav', mapVersion: 1 });
    const quota = JSON.parse(events.find((e) => e.event === 'quota')!.data!);
    expect(quota).toMatchObject({ connectorId: 'fixtures', exceeded: false });
    expect(quota.quotaUse.minute).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(events.find((e) => e.event === 'map-updated')!.data!)).toMatchObject({
      mapVersion: 2,
      manifestVersion: 'v2',
    });
    const removed = events
      .filter((e) => e.event === 'availability')
      .map((e) => JSON.parse(e.data!) as unknown);
    expect(removed).toContainEqual(
      expect.objectContaining({ connectorId: 'extra', availability: 'offline', reason: 'removed' }),
    );
    expect(raw).toContain(': heartbeat');
    const ids = events.filter((e) => e.event !== 'snapshot').map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('resumes after Last-Event-ID without a snapshot, and sends a snapshot when too far behind', async () => {
    const before = app.connectors.hub.lastId;
    app.connectors.hub.publish('availability', {
      connectorId: 'fixtures',
      availability: 'offline',
      reason: 'test-1',
      at: new Date().toISOString(),
    });
    app.connectors.hub.publish('availability', {
      connectorId: 'fixtures',
      availability: 'online',
      reason: 'test-2',
      at: new Date().toISOString(),
    });
    const res = await fetch(`${base}/v1/connectors/events`, {
      headers: { ...rest, 'last-event-id': String(before + 1) },
    });
    const { events } = await readSse(res, (ev) => ev.some((e) => e.id === String(before + 2)));
    expect(events.map((e) => e.event)).toEqual(['availability']);
    expect(JSON.parse(events[0]!.data!).reason).toBe('test-2');

    const stale = await fetch(`${base}/v1/connectors/events`, {
      headers: { ...rest, 'last-event-id': '999999' },
    });
    const fresh = await readSse(stale, (ev) => ev.some((e) => e.event === 'snapshot'));
    expect(fresh.events[0]!.event).toBe('snapshot');
  });

  it('drops a client that stops reading once its buffer passes the limit', async () => {
    await expect.poll(() => app.sseStreams.size, { timeout: 5_000 }).toBe(0);
    const baseline = 0;
    const url = new URL(`${base}/v1/connectors/events`);
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, headers: rest },
      (res) => res.pause(),
    );
    req.end();
    await expect.poll(() => app.sseStreams.size).toBe(baseline + 1);
    const blob = 'x'.repeat(64 * 1024);
    let published = 0;
    for (; published < 1000 && app.sseStreams.size > baseline; published += 1) {
      app.connectors.hub.publish('availability', {
        connectorId: 'fixtures',
        availability: 'online',
        reason: blob,
        at: '',
      });
      await new Promise((r) => setImmediate(r));
    }
    req.destroy();
    expect(published).toBeLessThan(1000);
    expect(app.sseStreams.size).toBe(baseline);
    expect(app.connectors.hub.subscribers).toBe(baseline);
  });
});
