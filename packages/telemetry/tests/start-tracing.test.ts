import { afterEach, describe, expect, it, vi } from 'vitest';
import { ROOT_CONTEXT, createContextKey, trace } from '@opentelemetry/api';
import {
  SyncContextManager,
  startTracing,
  traceContextMode,
  withSpan,
  type TracingHandle,
} from '../src/index.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Starts tracing with no exporter configured and `TRACE_CONTEXT=traceContext`, runs `use`, shuts it down. */
async function withTracing(
  traceContext: string,
  use: (handle: TracingHandle) => Promise<void>,
): Promise<void> {
  for (const name of [
    'OTEL_TRACES_EXPORTER',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  ])
    vi.stubEnv(name, '');
  vi.stubEnv('TRACE_CONTEXT', traceContext);
  const handle = startTracing({ serviceName: 'connectors-test' });
  try {
    await use(handle);
  } finally {
    await handle.shutdown();
  }
}

describe('startTracing', () => {
  it('creates unsampled spans with real trace ids, shared by nested spans, and exports nothing by default', async () => {
    await withTracing('', async (handle) => {
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
    });
    const after = await withSpan('x', {}, (span) => span.isRecording());
    expect(after).toBe(false);
  });

  it('rejects an empty service name', () => {
    expect(() => startTracing({ serviceName: ' ' })).toThrow(/^brAInwav: startTracing option "serviceName"/);
  });

  it('without an exporter the active span reaches synchronous code only (TRACE_CONTEXT=sync, the default)', async () => {
    await withTracing('', async (handle) => {
      expect(handle.contextMode).toBe('sync');
      const seen = await withSpan('connectors.manifest.load', {}, async (span) => {
        const sync = trace.getActiveSpan()?.spanContext().spanId;
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { own: span.spanContext().spanId, sync, afterAwait: trace.getActiveSpan() };
      });
      expect(seen.sync).toBe(seen.own);
      expect(seen.afterAwait).toBeUndefined();
      expect(trace.getActiveSpan()).toBeUndefined();
    });
  });

  it('TRACE_CONTEXT=async keeps the span across awaits (AsyncLocalStorage), as with an exporter', async () => {
    await withTracing('async', async (handle) => {
      expect(handle.contextMode).toBe('async');
      const seen = await withSpan('connectors.manifest.load', {}, async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { own: span.spanContext().spanId, afterAwait: trace.getActiveSpan()?.spanContext().spanId };
      });
      expect(seen.afterAwait).toBe(seen.own);
    });
  });

  it('traceContextMode: async when exporting, sync otherwise, explicit values win, others are refused', () => {
    expect(traceContextMode({}, false)).toBe('sync');
    expect(traceContextMode({}, true)).toBe('async');
    expect(traceContextMode({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe('async');
    expect(traceContextMode({ TRACE_CONTEXT: 'sync' }, true)).toBe('sync');
    expect(traceContextMode({ TRACE_CONTEXT: ' async ' }, false)).toBe('async');
    expect(() => traceContextMode({ TRACE_CONTEXT: 'always' })).toThrow(
      'brAInwav: TRACE_CONTEXT must be "async" or "sync" (got "always")',
    );
  });

  it('SyncContextManager: nested contexts unwind, also when the callback throws', () => {
    const manager = new SyncContextManager();
    const key = createContextKey('k');
    const outer = ROOT_CONTEXT.setValue(key, 'outer');
    const inner = ROOT_CONTEXT.setValue(key, 'inner');
    const seen = manager.with(outer, () => [
      manager.active().getValue(key),
      manager.with(inner, () => manager.active().getValue(key)),
      manager.active().getValue(key),
    ]);
    expect(seen).toEqual(['outer', 'inner', 'outer']);
    expect(() =>
      manager.with(outer, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(manager.active()).toBe(ROOT_CONTEXT);
    const fn = (): number => 1;
    expect(manager.bind(outer, fn)).toBe(fn);
  });
});
