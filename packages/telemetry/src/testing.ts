import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** In-memory tracing for tests, see {@link createTestTracing}. */
export interface TestTracing {
  readonly exporter: InMemorySpanExporter;
  /** Ended spans recorded since the last {@link TestTracing.reset}, in end order. */
  spans(): ReadableSpan[];
  /** Forgets the recorded spans. */
  reset(): void;
  /** Shuts the provider down and unregisters it; the next createTestTracing() makes a new one. */
  shutdown(): Promise<void>;
}

const KEY = Symbol.for('@cortex-os/telemetry/testing');
type Holder = { [KEY]?: TestTracing };

function create(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  if (!trace.setGlobalTracerProvider(provider)) {
    trace.disable();
    trace.setGlobalTracerProvider(provider);
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    async shutdown(): Promise<void> {
      await provider.shutdown();
      trace.disable();
      context.disable();
      delete (globalThis as Holder)[KEY];
    },
  };
}

/**
 * Registers, as the global OpenTelemetry tracer provider, a `BasicTracerProvider` with a
 * `SimpleSpanProcessor` over an `InMemorySpanExporter`, plus an AsyncLocalStorage context manager, so tests
 * can assert the spans code under test creates (e.g. through `withSpan`). Idempotent per process: repeated
 * calls return the same instance until `shutdown()`. Replaces a tracer provider registered before it.
 */
export function createTestTracing(): TestTracing {
  const holder = globalThis as Holder;
  holder[KEY] ??= create();
  return holder[KEY];
}

export { SpanStatusCode } from '@opentelemetry/api';
export type { ReadableSpan };
