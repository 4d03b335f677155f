import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTracing, withSpan } from '../src/index.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('startTracing', () => {
  it('creates unsampled spans with real trace ids, shared by nested spans, and exports nothing by default', async () => {
    vi.stubEnv('OTEL_TRACES_EXPORTER', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '');
    const handle = startTracing({ serviceName: 'connectors-test' });
    try {
      expect(handle.exporting).toBe(false);
      const ids = await withSpan('connectors.manifest.load', {}, async (span) => ({
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        flags: span.spanContext().traceFlags,
        recording: span.isRecording(),
        inner: await withSpan('connectors.map.sign', {}, (child) => child.spanContext()),
      }));
      expect(ids.recording).toBe(false); // not sampled: no attributes or events are kept
      expect(ids.flags).toBe(0);
      expect(ids.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      expect(ids.spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
      expect(ids.inner.traceId).toBe(ids.traceId); // the active context carries the trace
      expect(ids.inner.spanId).not.toBe(ids.spanId);
    } finally {
      await handle.shutdown();
    }
    const after = await withSpan('x', {}, (span) => span.isRecording());
    expect(after).toBe(false);
  });

  it('rejects an empty service name', () => {
    expect(() => startTracing({ serviceName: ' ' })).toThrow(/^brAInwav: startTracing option "serviceName"/);
  });
});
