import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpServiceMapSource, MapFetchError, resolveMapUrl } from '../src/index.js';
import { API_KEY, startMapServer, type MapServer } from './helpers.js';

let server: MapServer;
beforeEach(async () => {
  server = await startMapServer();
});
afterEach(async () => {
  vi.useRealTimers();
  await server.close();
});

describe('httpServiceMapSource', () => {
  it('resolves a base URL to the map route and keeps a full one', () => {
    expect(resolveMapUrl('http://127.0.0.1:7070')).toBe('http://127.0.0.1:7070/v1/connectors/service-map');
    expect(resolveMapUrl('https://asbr.example/custom/map')).toBe('https://asbr.example/custom/map');
  });

  it('sends the Bearer key and If-None-Match, returns 200 bytes + ETag and 304', async () => {
    server.serve('{"hello":"brAInwav"}');
    const source = httpServiceMapSource({ url: server.url, apiKey: API_KEY });
    const signal = new AbortController().signal;
    expect(await source.fetch({ signal })).toEqual({
      status: 200,
      bodyText: '{"hello":"brAInwav"}',
      etag: '"v1"',
    });
    expect(await source.fetch({ signal, etag: '"v1"' })).toEqual({ status: 304 });
    expect(server.requests).toEqual([
      { ifNoneMatch: undefined, authorization: `Bearer ${API_KEY}` },
      { ifNoneMatch: '"v1"', authorization: `Bearer ${API_KEY}` },
    ]);
  });

  it('rejects other statuses with MapFetchError naming the status, never the key', async () => {
    const source = httpServiceMapSource({ url: server.url, apiKey: 'wrong-key-do-not-print' });
    const err = (await source
      .fetch({ signal: new AbortController().signal })
      .catch((e: unknown) => e)) as MapFetchError;
    expect(err).toBeInstanceOf(MapFetchError);
    expect([err.code, err.status]).toEqual(['MANIFEST_UNAVAILABLE', 401]);
    expect(err.message).toMatch(/^brAInwav: .*HTTP 401$/);
    expect(err.message).not.toContain('wrong-key-do-not-print');
  });

  it('aborts on its timeout and on the caller signal', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const source = httpServiceMapSource({ url: server.url, fetch: hanging, timeoutMs: 2_000 });
    const timedOut = source.fetch({ signal: new AbortController().signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(((await timedOut) as Error).message).toMatch(/failed \(timed out after 2000 ms\)$/);

    const controller = new AbortController();
    const aborted = source.fetch({ signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('registry closed'));
    expect(((await aborted) as MapFetchError).message).toMatch(/failed \(registry closed\)$/);
  });
});
