import { context, propagation, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { AlwaysOffSampler, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadSdkNode } from './otel.js';
import { SyncContextManager } from './sync-context.js';

/** Name of the tracer every connectors span is created with. */
export const TRACER_NAME = '@cortex-os/connectors';
/** Span: loading and validating the connectors manifest. */
export const SPAN_MANIFEST_LOAD = 'connectors.manifest.load';
/** Span: building and signing the service map. */
export const SPAN_MAP_SIGN = 'connectors.map.sign';
/** Span: hydrating the connectors registry from the service map. */
export const SPAN_REGISTRY_HYDRATE = 'connectors.registry.hydrate';
/** Span: one tool call proxied to an upstream MCP connector. */
export const SPAN_PROXY_CALL = 'connectors.proxy.call';

/** Options of {@link startTracing}. */
export interface StartTracingOptions {
  /** `service.name` resource attribute (non-empty). */
  serviceName: string;
}

/** A started tracing SDK. */
export interface TracingHandle {
  /** True when spans are exported (an exporter was selected from `OTEL_*` env); false means no network. */
  readonly exporting: boolean;
  /** How far the active span reaches ({@link traceContextMode}). */
  readonly contextMode: TraceContextMode;
  /** Flushes and stops the SDK and unregisters the global OpenTelemetry tracer, context and propagator. */
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `TRACE_CONTEXT` values: the active span follows `await`s and callbacks (`async`), or synchronous code only. */
export type TraceContextMode = 'async' | 'sync';

/**
 * How far the active span reaches (`TRACE_CONTEXT`): `async` (AsyncLocalStorage: every log line of a call
 * carries its `trace_id`) when spans are exported or `TRACE_CONTEXT=async`; else `sync` (see
 * {@link SyncContextManager}: no per-async-resource cost; audit lines and error bodies still carry trace ids,
 * logs only those written synchronously inside a span). Anything but `async`/`sync` is a `RangeError`.
 */
export function traceContextMode(
  env: Env = process.env,
  exporting = tracesExportRequested(env),
): TraceContextMode {
  const value = env.TRACE_CONTEXT?.trim() ?? '';
  if (value === 'async' || value === 'sync') return value;
  if (value !== '')
    throw new RangeError(`brAInwav: TRACE_CONTEXT must be "async" or "sync" (got "${value.slice(0, 16)}")`);
  return exporting ? 'async' : 'sync';
}

/**
 * True when `env` asks for span export: `OTEL_TRACES_EXPORTER` names an exporter other than `none`, or
 * it is unset and an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set.
 */
export function tracesExportRequested(env: Env = process.env): boolean {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'none');
  if (exporters.length > 0) return true;
  if ((env.OTEL_TRACES_EXPORTER ?? '').trim() !== '') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * Starts the OpenTelemetry NodeSDK configured from the standard `OTEL_*` env variables. By default
 * (no `OTEL_TRACES_EXPORTER`, or `none`, and no OTLP endpoint) nothing is exported and no network is used:
 * spans are created unsampled (not recording, so they cost next to nothing), but with real trace and span ids
 * in the active context, so trace ids exist for logs, audit lines and error bodies. OTel metrics and logs exporters
 * are only enabled when `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER` are set explicitly (Prometheus
 * metrics and pino logs are the defaults). Call once per process.
 *
 * @throws TypeError when `serviceName` is empty
 */
export function startTracing(options: StartTracingOptions): TracingHandle {
  if (typeof options.serviceName !== 'string' || options.serviceName.trim() === '') {
    throw new TypeError('brAInwav: startTracing option "serviceName" must be a non-empty string');
  }
  const exporting = tracesExportRequested();
  const contextMode = traceContextMode(process.env, exporting);
  const sdk = new (loadSdkNode().NodeSDK)({
    serviceName: options.serviceName,
    ...(contextMode === 'sync' ? { contextManager: new SyncContextManager() } : {}),
    // nothing exported: spans are not sampled (no attributes, events or processors per span), yet each still
    // gets real trace and span ids in the active context, for logs, audit lines and error bodies
    ...(exporting ? {} : { spanProcessors: [new NoopSpanProcessor()], sampler: new AlwaysOffSampler() }),
    ...(process.env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(process.env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  return {
    exporting,
    contextMode,
    async shutdown(): Promise<void> {
      await sdk.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * Runs `fn` inside an active span named `name` from the `@cortex-os/connectors` tracer, with the given
 * attributes plus `component=connectors`. A thrown error (or rejection) is recorded as an exception,
 * sets the span status to ERROR and is rethrown. The span always ends.
 *
 * @returns what `fn` returns (awaited)
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(
    name,
    { attributes: { ...attributes, component: 'connectors' } },
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
