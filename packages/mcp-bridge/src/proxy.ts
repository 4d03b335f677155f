import { performance } from 'node:perf_hooks';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/client';
import type { CallToolResult, Client, Tool } from '@modelcontextprotocol/client';
import { SPAN_PROXY_CALL, createSilentLogger, withSpan } from '@cortex-os/telemetry';
import { defaultResolveSecret } from './auth.js';
import { systemClock } from './clock.js';
import { validateConnector, type ProxyConnector } from './connector.js';
import { ProxyEngine, raceAbort } from './engine.js';
import { BridgeError, type ProxyErrorInfo } from './errors.js';
import { resolveOptions, type RemoteToolProxyOptions } from './options.js';
import { hasRawRequests, relayToolCall } from './relay.js';
import type { UpstreamSession } from './session.js';
import type { CallToolOptions, ProbeResult, ProxyState, RemoteToolProxy } from './types.js';

function sameTools(a: readonly Tool[], b: readonly Tool[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isIdempotent(tool: Tool | undefined): boolean {
  return tool?.annotations?.readOnlyHint === true || tool?.annotations?.idempotentHint === true;
}

class Proxy implements RemoteToolProxy {
  private readonly engine: ProxyEngine;
  private tools: Tool[] | undefined;
  private toolsStale = false;
  private listing: Promise<Tool[]> | undefined;
  private readonly toolListeners = new Set<(tools: Tool[]) => void>();

  constructor(
    private readonly connector: ProxyConnector,
    private readonly options: RemoteToolProxyOptions,
  ) {
    validateConnector(connector);
    const resolved = resolveOptions(connector.id, options);
    const logger = options.logger ?? createSilentLogger('mcp-bridge');
    this.engine = new ProxyEngine({
      connector,
      options,
      resolved,
      clock: options.clock ?? systemClock,
      logger,
      resolveSecret: options.resolveSecret ?? defaultResolveSecret,
      onToolsListChanged: () => this.markToolsStale(),
      onReconnected: () => {
        if (this.tools) this.markToolsStale();
      },
    });
    this.engine.probeOnce = () => this.probe();
    this.timeoutMs = resolved.timeoutMs;
  }

  private readonly timeoutMs: number;

  get connectorId(): string {
    return this.connector.id;
  }

  get state(): ProxyState {
    if (this.engine.closed) return 'closed';
    const availability = this.engine.availability.current;
    if (availability === 'down') return 'down';
    if (availability === 'up') return 'up';
    return this.engine.connecting ? 'connecting' : 'idle';
  }

  get breaker(): RemoteToolProxy['breaker'] {
    return this.engine.breaker.state;
  }

  get lastError(): ProxyErrorInfo | undefined {
    return this.engine.lastError;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    await this.engine.run({ op: 'connect', what: 'connect', signal }, () => Promise.resolve());
  }

  async client(): Promise<Client> {
    return this.engine.run({ op: 'connect', what: 'connect' }, (session) => Promise.resolve(session.client));
  }

  listTools(signal?: AbortSignal): Promise<Tool[]> {
    if (this.tools && !this.toolsStale) return Promise.resolve(this.tools);
    return raceAbort(this.refreshTools(), signal);
  }

  private refreshTools(): Promise<Tool[]> {
    this.listing ??= this.engine
      .run(
        { op: 'list', what: 'tools/list' },
        async (s) =>
          (await s.client.listTools(undefined, { timeout: this.timeoutMs, cacheMode: 'refresh' })).tools,
      )
      .then((tools) => {
        this.applyTools(tools);
        return tools;
      })
      .finally(() => {
        this.listing = undefined;
      });
    return this.listing;
  }

  private applyTools(tools: Tool[]): void {
    const previous = this.tools;
    this.tools = tools;
    this.toolsStale = false;
    if (!previous || sameTools(previous, tools)) return;
    for (const listener of this.toolListeners) listener(tools);
  }

  private markToolsStale(): void {
    this.toolsStale = true;
    this.refreshTools().catch(() => undefined);
  }

  async callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: CallToolOptions = {},
  ): Promise<CallToolResult> {
    const timeout = options.timeoutMs ?? this.timeoutMs;
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw this.engine.error(
        'CONFIG_INVALID',
        `callTool option timeoutMs must be > 0 (got ${String(options.timeoutMs)})`,
      );
    }
    const idempotent = isIdempotent(this.tools?.find((t) => t.name === name));
    // a relay's caller (the gateway's call pipeline) owns the call's `connectors.proxy.call` span: no second one
    if (this.options.relayToolResults === true) {
      return this.engine.run(
        { op: 'call', what: `tools/call ${name}`, signal: options.signal, idempotent },
        (s) => this.invokeTool(s, name, args, timeout, options),
      );
    }
    return withSpan(
      SPAN_PROXY_CALL,
      { connector: this.connector.id, tool: name, idempotent },
      async (span) => {
        const result = await this.engine.run(
          { op: 'call', what: `tools/call ${name}`, signal: options.signal, idempotent },
          (s) => this.invokeTool(s, name, args, timeout, options),
        );
        span.setAttribute('is_error', result.isError === true);
        return result;
      },
    );
  }

  /** One `tools/call` on `session`: raw in relay mode (see `relayToolResults`), else the SDK client's. */
  private invokeTool(
    session: UpstreamSession,
    name: string,
    args: Record<string, unknown>,
    timeout: number,
    options: CallToolOptions,
  ): Promise<CallToolResult> {
    const { signal, onprogress } = options;
    if (this.options.relayToolResults === true && onprogress === undefined) {
      const transport = session.transport;
      if (hasRawRequests(transport))
        return relayToolCall(transport, name, args, { timeoutMs: timeout, signal });
    }
    return session.client.callTool(
      { name, arguments: args },
      {
        timeout,
        maxTotalTimeout: timeout,
        ...(signal ? { signal } : {}),
        ...(onprogress ? { onprogress } : {}),
      },
    );
  }

  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    const started = performance.now();
    try {
      const method = await this.engine.run({ op: 'probe', what: 'probe', signal }, (s) =>
        this.pingOrList(s.client, signal),
      );
      return { ok: true, latencyMs: ProxyEngine.elapsed(started), method };
    } catch (error) {
      const at = this.engine.now();
      const info: ProxyErrorInfo =
        error instanceof BridgeError
          ? { code: error.code, message: error.message, at }
          : { code: 'UPSTREAM_UNAVAILABLE', message: 'brAInwav: probe failed', at };
      return { ok: false, latencyMs: ProxyEngine.elapsed(started), error: info };
    }
  }

  private async pingOrList(client: Client, signal: AbortSignal | undefined): Promise<'ping' | 'tools/list'> {
    const options = { timeout: this.timeoutMs, ...(signal ? { signal } : {}) };
    try {
      await client.ping(options);
      return 'ping';
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.code !== Number(ProtocolErrorCode.MethodNotFound))
        throw error;
      await client.listTools(undefined, { ...options, cacheMode: 'bypass' });
      return 'tools/list';
    }
  }

  onAvailability(cb: Parameters<RemoteToolProxy['onAvailability']>[0]): () => void {
    return this.engine.availability.subscribe(cb);
  }

  onToolsChanged(cb: (tools: Tool[]) => void): () => void {
    this.toolListeners.add(cb);
    return () => this.toolListeners.delete(cb);
  }

  async close(): Promise<void> {
    this.toolListeners.clear();
    await this.engine.close();
  }
}

/**
 * Creates the proxy of one connector. Validates the connector and options at once; sends nothing until
 * `connect()` or the first operation.
 *
 * @throws AuthConfigError `AUTH_CONFIG_INVALID` (missing `secretRef`, apiKey without `headerName`)
 * @throws ProxyOptionsError `CONFIG_INVALID` (bad endpoint or option, naming it and the value received)
 */
export function createRemoteToolProxy(
  connector: ProxyConnector,
  options: RemoteToolProxyOptions = {},
): RemoteToolProxy {
  return new Proxy(connector, options);
}
