import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SPAN_MANIFEST_LOAD,
  SPAN_MAP_SIGN,
  SPAN_PROXY_CALL,
  SPAN_REGISTRY_HYDRATE,
  tracesExportRequested,
  withSpan,
} from '../src/index.js';
import { createTestTracing, SpanStatusCode } from '../src/testing.js';

const tracing = createTestTracing();
beforeEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

describe('span names', () => {
  it('match DESIGN.md', () => {
    expect([SPAN_MANIFEST_LOAD, SPAN_MAP_SIGN, SPAN_REGISTRY_HYDRATE, SPAN_PROXY_CALL]).toEqual([
      'connectors.manifest.load',
      'connectors.map.sign',
      'connectors.registry.hydrate',
      'connectors.proxy.call',
    ]);
  });
});

describe('withSpan', () => {
  it('records a span with component=connectors and the given attributes', async () => {
    const result = await withSpan(
      SPAN_PROXY_CALL,
      { 'mcp.connector': 'github', 'mcp.tool': 'search' },
      (span) => {
        span.setAttribute('extra', 3);
        return 'done';
      },
    );
    expect(result).toBe('done');
    const [span] = tracing.spans();
    expect(tracing.spans()).toHaveLength(1);
    expect(span!.name).toBe('connectors.proxy.call');
    expect(span!.attributes).toEqual({
      component: 'connectors',
      'mcp.connector': 'github',
      'mcp.tool': 'search',
      extra: 3,
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.instrumentationScope.name).toBe('@cortex-os/connectors');
  });

  it('records exceptions and ERROR status, then rethrows', async () => {
    const boom = new Error('brAInwav: manifest missing');
    await expect(withSpan(SPAN_MANIFEST_LOAD, {}, () => Promise.reject(boom))).rejects.toBe(boom);
    const [span] = tracing.spans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'brAInwav: manifest missing' });
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
    expect(span!.events[0]!.attributes?.['exception.message']).toBe('brAInwav: manifest missing');
    expect(span!.ended).toBe(true);
  });

  it('nests spans under the active parent', async () => {
    await withSpan(SPAN_REGISTRY_HYDRATE, {}, () => withSpan(SPAN_PROXY_CALL, {}, () => 1));
    const [child, parent] = tracing.spans();
    expect(child!.name).toBe(SPAN_PROXY_CALL);
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
    expect(child!.spanContext().traceId).toBe(parent!.spanContext().traceId);
  });
});

describe('createTestTracing', () => {
  it('is idempotent and reset clears spans', async () => {
    expect(createTestTracing()).toBe(tracing);
    await withSpan(SPAN_MAP_SIGN, {}, () => undefined);
    expect(tracing.spans()).toHaveLength(1);
    tracing.reset();
    expect(tracing.spans()).toEqual([]);
  });
});

describe('tracesExportRequested', () => {
  it('is false by default and for none', () => {
    expect(tracesExportRequested({})).toBe(false);
    expect(tracesExportRequested({ OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(
      tracesExportRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }),
    ).toBe(false);
  });

  it('is true for an exporter name or an OTLP endpoint', () => {
    expect(tracesExportRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracesExportRequested({ OTEL_TRACES_EXPORTER: 'console,none' })).toBe(true);
    expect(tracesExportRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(
      tracesExportRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }),
    ).toBe(true);
  });
});
