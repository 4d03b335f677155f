import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorsError } from '@cortex-os/connectors-manifest';
import { SPAN_MANIFEST_LOAD, SPAN_MAP_SIGN } from '@cortex-os/telemetry';
import { createTestTracing, type TestTracing } from '@cortex-os/telemetry/testing';
import { makeApp, manifestSource } from './helpers.js';

/** OpenTelemetry `SpanStatusCode.ERROR`. */
const STATUS_ERROR = 2;

let tracing: TestTracing;
beforeAll(() => {
  tracing = createTestTracing();
});
afterAll(async () => {
  await tracing.shutdown();
});

describe('spans', () => {
  it('records connectors.manifest.load and connectors.map.sign, and load errors', async () => {
    tracing.reset();
    const source = manifestSource();
    const { app } = await makeApp({ readManifest: source.read });
    source.fail(new ConnectorsError('MANIFEST_INVALID', 'broken on purpose'));
    await app.asbr.reload('sighup');
    await app.close();
    const spans = tracing
      .spans()
      .map((s) => ({ name: s.name, attributes: s.attributes, status: s.status.code }));
    expect(spans).toEqual([
      expect.objectContaining({
        name: SPAN_MANIFEST_LOAD,
        attributes: { 'manifest.trigger': 'startup', component: 'connectors' },
      }),
      expect.objectContaining({
        name: SPAN_MAP_SIGN,
        attributes: expect.objectContaining({
          'map.reason': 'manifest-changed',
          'manifest.version': '2026.11.22-1',
          component: 'connectors',
        }),
      }),
      expect.objectContaining({
        name: SPAN_MANIFEST_LOAD,
        attributes: { 'manifest.trigger': 'sighup', component: 'connectors' },
        status: STATUS_ERROR,
      }),
    ]);
    expect(SPAN_MANIFEST_LOAD).toBe('connectors.manifest.load');
    expect(SPAN_MAP_SIGN).toBe('connectors.map.sign');
  });
});
