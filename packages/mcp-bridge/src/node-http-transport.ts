import type { Agent, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import {
  SdkError,
  SdkErrorCode,
  type JSONRPCMessage,
  type Transport,
  type TransportSendOptions,
} from '@modelcontextprotocol/client';
import {
  exchange,
  headerValue,
  httpError,
  keepAliveAgent,
  mediaType,
  readBody,
  requestIds,
  type Exchange,
} from './node-http.js';
import { RawRequests } from './raw-requests.js';
import { SseParser, type SseEvent } from './sse-parser.js';

/**
 * JSON-RPC error code the transport answers a request with when the upstream closed its response
 * (stream or JSON body) before the result arrived, so the caller fails at once instead of waiting for
 * its timeout. Inside the implementation-defined server-error range.
 */
export const STREAM_LOST_CODE = -32099;

/** Reconnection of the standalone GET event stream (server notifications such as list_changed). */
export interface EventStreamReconnect {
  readonly initialDelayMs: number;
  readonly growFactor: number;
  readonly maxDelayMs: number;
  readonly maxRetries: number;
}

/** Options of {@link NodeHttpClientTransport}. */
export interface NodeHttpTransportOptions {
  /** Sent with every request (manifest headers and the auth header). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Default: 1 s, ×1.5, at most 30 s, 2 retries (the SDK transport's defaults). */
  readonly reconnect?: EventStreamReconnect;
}

const DEFAULT_RECONNECT: EventStreamReconnect = {
  initialDelayMs: 1_000,
  growFactor: 1.5,
  maxDelayMs: 30_000,
  maxRetries: 2,
};

/** Headers the transport owns; per-message `headers` cannot override them. */
const RESERVED = new Set([
  'content-type',
  'accept',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
]);

/**
 * MCP Streamable HTTP client transport on Node's own `http`/`https` with a keep-alive agent, for the
 * v2 SDK `Client`. It speaks the same wire protocol as the SDK's `StreamableHTTPClientTransport`
 * (POST per message, JSON or SSE responses, session id and protocol-version headers, the standalone
 * GET event stream after `notifications/initialized`, DELETE to terminate) without WHATWG fetch and
 * web streams, which dominated the CPU profile of a proxied tool call. It has no OAuth and no
 * stream resumption: connectors authenticate with static headers from the manifest.
 *
 * Errors match the SDK transport's, so the proxy classifies both the same way: HTTP failures are
 * `SdkHttpError` with the status; network failures are Node's errors (`ECONNREFUSED`, …).
 */
export class NodeHttpClientTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  sessionId: string | undefined;
  private protocolVersion: string | undefined;
  private readonly agent: Agent;
  private readonly inflight = new Set<Exchange>();
  private readonly reconnect: EventStreamReconnect;
  private started = false;
  private closed = false;
  private lastEventId: string | undefined;
  private serverRetryMs: number | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly raw = new RawRequests((message) => this.send(message));

  constructor(
    private readonly url: URL,
    private readonly options: NodeHttpTransportOptions = {},
  ) {
    this.agent = keepAliveAgent(url);
    this.reconnect = options.reconnect ?? DEFAULT_RECONNECT;
  }

  start(): Promise<void> {
    if (this.started) return Promise.reject(new Error('brAInwav: NodeHttpClientTransport already started'));
    this.started = true;
    return Promise.resolve();
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.closed) throw new SdkError(SdkErrorCode.NotConnected, 'brAInwav: transport is closed');
    if (options?.resumptionToken !== undefined)
      throw new SdkError(SdkErrorCode.SendFailed, 'brAInwav: stream resumption is not supported');
    // plain method checks: the SDK's is* guards run a Zod parse, on every message of the hot path
    const method = (message as { method?: unknown }).method;
    const handshake = method === 'initialize' && (message as { id?: unknown }).id !== undefined;
    const headers = this.headers(handshake, options?.headers);
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json, text/event-stream';
    const res = await this.request('POST', headers, JSON.stringify(message));
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw await httpError(res, 'Error POSTing to endpoint');
    if (handshake) this.sessionId = headerValue(res, 'mcp-session-id');
    const ids = requestIds(message);
    if (status === 202 || ids.length === 0) {
      res.resume();
      if (method === 'notifications/initialized') this.openEventStream(0);
      return;
    }
    const type = mediaType(res);
    if (type === 'text/event-stream') return this.consumeEvents(res, ids);
    if (type === 'application/json') return this.consumeJson(res, ids);
    res.resume();
    throw new SdkError(
      SdkErrorCode.ClientHttpUnexpectedContent,
      `brAInwav: unexpected content type "${type}"`,
    );
  }

  /**
   * Sends one JSON-RPC request outside the SDK protocol layer and resolves with its raw `result`, for
   * relays that pass results on unchanged (the gateway): no result schema parsing. Other messages on
   * the response stream (notifications, server→client requests) still reach the connected `Client`.
   * Failures match the SDK's: a JSON-RPC error is a `ProtocolError`, the timeout an `SdkError`
   * `RequestTimeout`, an abort rejects with the signal's reason; both of the latter send
   * `notifications/cancelled` upstream.
   */
  rawRequest(
    method: string,
    params: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<unknown> {
    return this.raw.request(method, params, options);
  }

  /** Ends the session upstream (HTTP DELETE); a 405 (server keeps no sessions) is fine. */
  async terminateSession(): Promise<void> {
    if (this.sessionId === undefined || this.closed) return;
    const res = await this.request('DELETE', this.headers(false));
    const status = res.statusCode ?? 0;
    if (status !== 405 && (status < 200 || status >= 300))
      throw await httpError(res, 'Failed to terminate session');
    res.resume();
    this.sessionId = undefined;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    for (const ex of this.inflight) ex.abort(new Error('brAInwav: transport closed'));
    this.inflight.clear();
    this.raw.failAll(() => new SdkError(SdkErrorCode.ConnectionClosed, 'brAInwav: connection closed'));
    this.agent.destroy();
    this.onclose?.();
    return Promise.resolve();
  }

  private headers(handshake: boolean, extra?: Readonly<Record<string, string>>): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = { ...this.options.headers };
    if (!handshake && this.sessionId !== undefined) headers['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion !== undefined) headers['mcp-protocol-version'] = this.protocolVersion;
    for (const [name, value] of Object.entries(extra ?? {}))
      if (!RESERVED.has(name.toLowerCase())) headers[name] = value;
    return headers;
  }

  /** One request, tracked until its response body ends so `close()` can abort it. */
  private async request(
    method: 'GET' | 'POST' | 'DELETE',
    headers: OutgoingHttpHeaders,
    body?: string,
  ): Promise<IncomingMessage> {
    const ex = exchange(this.url, this.agent, method, headers, body);
    this.inflight.add(ex);
    try {
      const res = await ex.response;
      res.once('close', () => this.inflight.delete(ex));
      return res;
    } catch (error) {
      this.inflight.delete(ex);
      throw error;
    }
  }

  private async consumeJson(res: IncomingMessage, ids: Array<string | number>): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(res));
    } catch (error) {
      return this.lost(ids, error);
    }
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) this.deliver(message as JSONRPCMessage);
  }

  /**
   * Reads a POST's SSE response in the background; requests it never answered fail with
   * {@link STREAM_LOST_CODE}. A response that follows notifications on its stream is delivered one
   * macrotask later: the SDK runs notification handlers (progress) asynchronously but settles a response
   * at once, which would otherwise drop the last progress update.
   */
  private consumeEvents(res: IncomingMessage, ids: Array<string | number>): void {
    const pending = new Set(ids);
    let notified = false;
    const parser = new SseParser((event) => {
      const message = this.parseEvent(event);
      if (!message) return;
      if ('method' in message) notified = true;
      else if (message.id !== undefined) {
        pending.delete(message.id);
        if (notified) return void setImmediate(() => this.deliver(message));
      }
      this.deliver(message);
    });
    res.on('data', (chunk: Buffer) => parser.push(chunk));
    res.once('close', () => {
      if (pending.size > 0) this.lost([...pending], new Error('response stream closed before the result'));
    });
  }

  /** The standalone GET stream for server-initiated messages; reconnected with backoff when it drops. */
  private openEventStream(attempt: number): void {
    if (this.closed) return;
    const headers = this.headers(false);
    headers.accept = 'text/event-stream';
    if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
    this.request('GET', headers).then(
      async (res) => {
        const status = res.statusCode ?? 0;
        if (status === 405) return void res.resume();
        if (status < 200 || status >= 300 || mediaType(res) !== 'text/event-stream') {
          this.onerror?.(await httpError(res, 'Failed to open SSE stream'));
          if (status >= 500) this.scheduleEventStream(attempt + 1);
          return;
        }
        const parser = new SseParser(
          (event) => {
            const message = this.parseEvent(event);
            if (message) this.deliver(message);
          },
          (ms) => (this.serverRetryMs = ms),
        );
        res.on('data', (chunk: Buffer) => parser.push(chunk));
        res.once('close', () => this.scheduleEventStream(0));
      },
      (error: unknown) => {
        if (this.closed) return;
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        this.scheduleEventStream(attempt + 1);
      },
    );
  }

  private scheduleEventStream(attempt: number): void {
    if (this.closed) return;
    const { initialDelayMs, growFactor, maxDelayMs, maxRetries } = this.reconnect;
    if (attempt > maxRetries) {
      this.onerror?.(
        new Error(`brAInwav: event stream lost; gave up after ${maxRetries} reconnection attempts`),
      );
      return;
    }
    const delay = this.serverRetryMs ?? Math.min(initialDelayMs * growFactor ** attempt, maxDelayMs);
    this.reconnectTimer = setTimeout(() => this.openEventStream(attempt), delay);
    this.reconnectTimer.unref();
  }

  private parseEvent(event: SseEvent): JSONRPCMessage | undefined {
    if (event.id !== undefined) this.lastEventId = event.id;
    if (event.event !== undefined && event.event !== 'message') return undefined;
    try {
      return JSON.parse(event.data) as JSONRPCMessage;
    } catch (error) {
      this.onerror?.(new Error(`brAInwav: invalid JSON in event stream: ${String(error)}`));
      return undefined;
    }
  }

  private deliver(message: JSONRPCMessage): void {
    if (this.closed || this.raw.answer(message)) return;
    this.onmessage?.(message);
  }

  /** Fails the given requests at once (unless the transport is closing, which fails them anyway). */
  private lost(ids: Array<string | number>, cause: unknown): void {
    if (this.closed) return;
    this.onerror?.(new Error(`brAInwav: upstream response lost: ${String(cause)}`));
    for (const id of ids) {
      this.deliver({
        jsonrpc: '2.0',
        id,
        error: {
          code: STREAM_LOST_CODE,
          message: 'brAInwav: upstream closed the response before the result',
        },
      });
    }
  }
}
