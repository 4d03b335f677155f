import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTracing, withSpan } from '../src/index.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('startTracing', () => {
  it('records spans with real trace ids but exports nothing by default', async () => {
    vi.stubEnv('OTEL_TRACES_EXPORTER', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '');
    const handle = startTracing({ serviceName: 'connectors-test' });
    try {
      expect(handle.exporting).toBe(false);
      const ids = await withSpan('connectors.manifest.load', {}, (span) => ({
        traceId: span.spanContext().traceId,
        recording: span.isRecording(),
      }));
      expect(ids.recording).toBe(true);
      expect(ids.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
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
