import { performance } from 'node:perf_hooks';
import type { Transport } from '@modelcontextprotocol/client';
import type { Logger } from '@cortex-os/telemetry';
import { redactSecrets } from '@cortex-os/telemetry';
import { buildUpstreamHeaders, type SecretResolver } from './auth.js';
import { Availability } from './availability.js';
import { CircuitBreaker, type BreakerPermit } from './breaker.js';
import { classify, type ProxyOperation } from './classify.js';
import type { ProxyClock, TimerHandle } from './clock.js';
import type { ProxyConnector } from './connector.js';
import { BridgeError, UpstreamError, type ProxyErrorInfo } from './errors.js';
import type { RemoteToolProxyOptions, ResolvedOptions } from './options.js';
import { withRetries } from './retry.js';
import { closeSession, openSession, type UpstreamSession } from './session.js';

/** How one operation runs through the engine. */
export interface RunSpec {
  readonly op: ProxyOperation;
  /** Human label used in messages, e.g. `tools/call echo`. */
  readonly what: string;
  readonly signal?: AbortSignal | undefined;
  /** Tool calls: may be resent after a transport failure. */
  readonly idempotent?: boolean;
}

/** Everything the engine needs. */
export interface EngineDeps {
  readonly connector: ProxyConnector;
  readonly options: RemoteToolProxyOptions;
  readonly resolved: ResolvedOptions;
  readonly clock: ProxyClock;
  readonly logger: Logger;
  readonly resolveSecret: SecretResolver;
  /** Upstream said its tool list changed (for the current session). */
  readonly onToolsListChanged: () => void;
  /** A new session replaced a lost one. */
  readonly onReconnected: () => void;
}

/** Rejects with `signal.reason` when the caller aborts first; the shared work continues for others. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Session, breaker, availability, retries and probes of one connector. Every upstream operation goes
 * through {@link ProxyEngine.run}.
 */
export class ProxyEngine {
  readonly breaker: CircuitBreaker;
  readonly availability: Availability;
  lastError: ProxyErrorInfo | undefined;
  closed = false;
  private current: UpstreamSession | undefined;
  private pending: Promise<UpstreamSession> | undefined;
  private sessionsOpened = 0;
  private secrets: string[] = [];
  private probeTimer: TimerHandle | undefined;
  private halfOpenTimer: TimerHandle | undefined;
  private probing: Promise<void> | undefined;
  /** Set by the proxy: runs one probe. */
  probeOnce: () => Promise<unknown> = () => Promise.resolve();

  constructor(private readonly deps: EngineDeps) {
    this.breaker = new CircuitBreaker(deps.clock, {
      failureThreshold: deps.resolved.failureThreshold,
      resetTimeoutMs: deps.resolved.resetTimeoutMs,
    });
    this.availability = new Availability({
      connectorId: deps.connector.id,
      clock: deps.clock,
      debounceMs: deps.resolved.downDebounceMs,
      gauge: deps.options.metrics?.proxyUp,
      logger: deps.logger,
      onDebounceElapsed: () => void this.probeInBackground(),
    });
  }

  /** Current time of the proxy clock, epoch ms. */
  now(): number {
    return this.deps.clock.now();
  }

  get id(): string {
    return this.deps.connector.id;
  }

  /** True while a handshake runs without a usable session. */
  get connecting(): boolean {
    return this.pending !== undefined && this.current === undefined;
  }

  /** Replaces every known secret value in `text` with `[REDACTED]`. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /** Builds a bridge error for this connector (message redacted; the cause kept as a redacted copy). */
  error(code: BridgeError['code'], message: string, cause?: unknown): UpstreamError {
    const options = cause === undefined ? undefined : { cause: this.sanitize(cause) };
    return new UpstreamError(code, this.id, this.redact(`connector ${this.id}: ${message}`), options);
  }

  /** Copy of an upstream error with every secret value redacted from its message and stack. */
  private sanitize(cause: unknown): Error {
    const source = cause instanceof Error ? cause : new Error(String(cause));
    const copy = new Error(this.redact(source.message));
    copy.name = source.name;
    copy.stack = this.redact(source.stack ?? '');
    const code = (source as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
    return copy;
  }

  /** Runs `fn` on a live session with breaker, retries, session recovery, availability and error mapping. */
  async run<T>(spec: RunSpec, fn: (session: UpstreamSession) => Promise<T>): Promise<T> {
    if (this.closed) throw this.error('PROXY_CLOSED', 'proxy is closed');
    const permit = this.breaker.acquire();
    if (permit === 'reject') {
      const err = this.error(
        'CIRCUIT_OPEN',
        `${spec.what} refused: circuit open after ${this.breaker.consecutiveFailures} consecutive failures`,
      );
      this.remember(err);
      throw err;
    }
    const phase = { value: 'connect' as 'connect' | 'request' };
    try {
      const result = await withRetries(
        {
          policy: this.deps.resolved.retry,
          clock: this.deps.clock,
          ...(this.deps.options.random ? { random: this.deps.options.random } : {}),
          signal: spec.signal,
          retryable: (e) => this.retryable(e, spec, phase.value),
          onRetry: (attempt, delayMs, e) => {
            this.deps.logger.debug(
              {
                connectorId: this.id,
                op: spec.op,
                attempt,
                delayMs,
                code: classify(e, spec.op, spec.signal).code,
              },
              'brAInwav: retrying upstream operation',
            );
          },
        },
        () => this.attempt(spec, fn, phase),
      );
      this.succeeded();
      return result;
    } catch (error) {
      throw this.failed(error, spec, permit, phase.value);
    }
  }

  private retryable(error: unknown, spec: RunSpec, phase: 'connect' | 'request'): boolean {
    const c = classify(error, phase === 'connect' ? 'connect' : spec.op, spec.signal);
    if (!c.retryable) return false;
    if (spec.op !== 'call' || phase === 'connect') return true;
    return spec.idempotent === true || c.notDelivered;
  }

  /** One attempt; a session rejected as unknown (404/400) is re-initialized once and the request resent. */
  private async attempt<T>(
    spec: RunSpec,
    fn: (s: UpstreamSession) => Promise<T>,
    phase: { value: 'connect' | 'request' },
  ): Promise<T> {
    phase.value = 'connect';
    const openedBefore = this.sessionsOpened;
    let session = await this.ensureSession(spec.signal);
    phase.value = 'request';
    try {
      return await fn(session);
    } catch (error) {
      const c = classify(error, spec.op, spec.signal);
      if (!c.sessionLost) throw error;
      this.drop(session, c.detail);
      if (!c.notDelivered || this.sessionsOpened !== openedBefore) throw error;
      phase.value = 'connect';
      session = await this.ensureSession(spec.signal);
      phase.value = 'request';
      return await fn(session);
    }
  }

  private succeeded(): void {
    this.breaker.success();
    this.availability.success('connected');
  }

  /** Maps a final failure; a failure while opening the session always counts as an outage. */
  private failed(
    error: unknown,
    spec: RunSpec,
    permit: BreakerPermit,
    phase: 'connect' | 'request',
  ): BridgeError {
    const c = classify(error, phase === 'connect' ? 'connect' : spec.op, spec.signal);
    const err =
      error instanceof BridgeError ? error : this.error(c.code, `${spec.what} failed: ${c.detail}`, error);
    if (c.code === 'REQUEST_ABORTED') this.breaker.release(permit);
    else if (c.outage || phase === 'connect') {
      const opened = this.breaker.failure();
      if (opened) this.scheduleHalfOpen();
      this.availability.failure(err.message, err.code, opened);
    } else this.succeeded();
    this.remember(err);
    return err;
  }

  private remember(err: BridgeError): void {
    this.lastError = { code: err.code, message: err.message, at: this.deps.clock.now() };
    if (err.code !== 'REQUEST_ABORTED')
      this.deps.logger.warn({ connectorId: this.id, code: err.code }, err.message);
  }

  /** The live session, opening one (shared by concurrent callers) when there is none. */
  ensureSession(signal?: AbortSignal): Promise<UpstreamSession> {
    if (this.current && !this.current.closed) return Promise.resolve(this.current);
    this.pending ??= this.open().finally(() => {
      this.pending = undefined;
    });
    return raceAbort(this.pending, signal);
  }

  private async open(): Promise<UpstreamSession> {
    const o = this.deps.options;
    const { headers, secrets } = o.createTransport
      ? { headers: {}, secrets: [] }
      : await buildUpstreamHeaders(this.deps.connector, this.deps.resolveSecret);
    this.secrets = [...new Set([...this.secrets, ...secrets])];
    const session: UpstreamSession = await openSession({
      connector: this.deps.connector,
      headers,
      createTransport: o.createTransport && this.customTransport.bind(this, o.createTransport),
      fetch: o.fetch,
      clientInfo: o.clientInfo ?? { name: 'brainwav-mcp-bridge', version: '0.1.0' },
      capabilities: o.capabilities ?? {},
      timeoutMs: this.deps.resolved.connectTimeoutMs,
      maxMessageBytes: this.deps.resolved.maxMessageBytes,
      configureClient: o.configureClient,
      onNotification: o.onNotification,
      onToolsListChanged: () => {
        if (this.current === session) this.deps.onToolsListChanged();
      },
      onTransportClosed: (s) => this.drop(s, 'transport closed'),
    });
    if (this.closed) {
      await closeSession(session);
      throw this.error('PROXY_CLOSED', 'proxy is closed');
    }
    this.current = session;
    this.sessionsOpened += 1;
    this.deps.logger.info(
      {
        connectorId: this.id,
        transport: this.deps.connector.transport ?? 'streamable-http',
        session: this.sessionsOpened,
      },
      'brAInwav: upstream session opened',
    );
    if (this.sessionsOpened > 1) this.deps.onReconnected();
    this.scheduleProbe();
    return session;
  }

  /** Runs the caller's transport factory; its failure is an outage of this connector, with the factory's message. */
  private async customTransport(factory: () => Transport | Promise<Transport>): Promise<Transport> {
    try {
      return await factory();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw this.error('UPSTREAM_UNAVAILABLE', message.replace(/^brAInwav: /, ''), error);
    }
  }

  /** Forgets a session (never reused) and closes it in the background. */
  drop(session: UpstreamSession, reason: string): void {
    if (this.current === session) this.current = undefined;
    if (session.closed) return;
    this.deps.logger.info(
      { connectorId: this.id, reason: this.redact(reason) },
      'brAInwav: upstream session dropped',
    );
    void closeSession(session);
  }

  /** Runs one probe unless one is in flight. */
  probeInBackground(): Promise<void> {
    this.probing ??= this.probeOnce()
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.probing = undefined;
      });
    return this.probing;
  }

  private scheduleProbe(): void {
    const interval = this.deps.resolved.probeIntervalMs;
    if (this.closed || interval === 0 || this.probeTimer !== undefined) return;
    this.probeTimer = this.deps.clock.setTimeout(() => {
      void this.probeInBackground().finally(() => {
        this.probeTimer = undefined;
        this.scheduleProbe();
      });
    }, interval);
  }

  private scheduleHalfOpen(): void {
    if (this.halfOpenTimer !== undefined) this.deps.clock.clearTimeout(this.halfOpenTimer);
    this.halfOpenTimer = this.deps.clock.setTimeout(() => {
      this.halfOpenTimer = undefined;
      if (!this.closed) void this.probeInBackground();
    }, this.deps.resolved.resetTimeoutMs);
  }

  /** Latency helper for probes, ms (monotonic, real time). */
  static elapsed(started: number): number {
    return Math.round((performance.now() - started) * 1000) / 1000;
  }

  /** Stops timers and closes the session. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of [this.probeTimer, this.halfOpenTimer])
      if (timer !== undefined) this.deps.clock.clearTimeout(timer);
    this.probeTimer = undefined;
    this.halfOpenTimer = undefined;
    this.availability.dispose();
    const session = this.current;
    this.current = undefined;
    if (session) await closeSession(session, { terminate: true });
  }
}
