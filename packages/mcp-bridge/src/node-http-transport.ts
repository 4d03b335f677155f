import type { Agent, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import {
  SdkError,
  SdkErrorCode,
  type JSONRPCMessage,
  type Transport,
  type TransportSendOptions,
} from '@modelcontextprotocol/client';
import {
  parseEventMessage,
  readStream,
  streamState,
  type StreamEnd,
  type StreamState,
} from './event-stream.js';
import {
  BodyTooLargeError,
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
import { openStream, scheduleStream, type ReopenHost } from './stream-reopen.js';
import {
  DEFAULT_RECONNECT,
  MALFORMED_RESPONSE_CODE,
  RESPONSE_TOO_LARGE_CODE,
  STREAM_LOST_CODE,
  requestHeaders,
  tooLargeMessage,
  type EventStreamReconnect,
  type NodeHttpTransportOptions,
} from './node-http-options.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './sse-parser.js';

export { MALFORMED_RESPONSE_CODE, RESPONSE_TOO_LARGE_CODE, STREAM_LOST_CODE } from './node-http-options.js';
export type { EventStreamReconnect, NodeHttpTransportOptions } from './node-http-options.js';

/**
 * MCP Streamable HTTP client transport on Node's own `http`/`https` with a keep-alive agent, for the
 * v2 SDK `Client`. It speaks the same wire protocol as the SDK's `StreamableHTTPClientTransport`
 * (POST per message, JSON or SSE responses, session id and protocol-version headers, the standalone
 * GET event stream after `notifications/initialized`, DELETE to terminate) without WHATWG fetch and
 * web streams, which dominated the CPU profile of a proxied tool call. It has no OAuth: connectors
 * authenticate with static headers from the manifest.
 *
 * Resumption works as in the SDK transport: every stream (the standalone GET stream, each POST's SSE
 * response) keeps its own last event id. A dropped GET stream is reopened with its own `Last-Event-ID`; a
 * dropped POST stream that carried an event id (a server with an event store primes it) and still owes
 * its response is resumed by a GET with that stream's id; one without an id fails its requests at once
 * with {@link STREAM_LOST_CODE}. `resumptionToken` and `onresumptiontoken` send options are honoured.
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
  private readonly maxMessageBytes: number;
  /** Ids of requests whose response is still awaited on a stream or JSON body. */
  private readonly awaiting = new Set<string | number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private started = false;
  private closed = false;
  private serverRetryMs: number | undefined;
  private readonly raw = new RawRequests((message) => this.send(message));
  private readonly reopen: ReopenHost = {
    closed: () => this.closed,
    reconnect: () => this.reconnect,
    retryMs: () => this.serverRetryMs,
    timers: this.timers,
    get: (lastEventId) => {
      const headers = this.headers(false);
      headers.accept = 'text/event-stream';
      if (lastEventId) headers['last-event-id'] = lastEventId;
      return this.request('GET', headers);
    },
    read: (res, state) => this.read(res, state),
    abandon: (state, cause) => this.abandon(state, cause),
    onerror: (error) => this.onerror?.(error),
  };

  constructor(
    private readonly url: URL,
    private readonly options: NodeHttpTransportOptions = {},
  ) {
    this.agent = keepAliveAgent(url);
    this.reconnect = options.reconnect ?? DEFAULT_RECONNECT;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
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
    const ids = requestIds(message);
    if (options?.resumptionToken !== undefined) {
      // as the SDK: no POST; a GET with Last-Event-ID, responses delivered under this request's id
      this.track(ids);
      const extra = {
        lastEventId: options.resumptionToken,
        onId: options.onresumptiontoken,
        replayId: ids[0],
      };
      return openStream(this.reopen, streamState(false, ids, extra), 0);
    }
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
    if (status === 202 || ids.length === 0) {
      res.resume();
      if (method === 'notifications/initialized') openStream(this.reopen, streamState(true), 0);
      return;
    }
    const type = mediaType(res);
    if (type === 'text/event-stream') {
      this.track(ids);
      return this.read(
        res,
        streamState(false, ids, { lastEventId: undefined, onId: options?.onresumptiontoken }),
      );
    }
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
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const ex of this.inflight) ex.abort(new Error('brAInwav: transport closed'));
    this.inflight.clear();
    this.raw.failAll(() => new SdkError(SdkErrorCode.ConnectionClosed, 'brAInwav: connection closed'));
    this.agent.destroy();
    this.onclose?.();
    return Promise.resolve();
  }

  private headers(handshake: boolean, extra?: Readonly<Record<string, string>>): OutgoingHttpHeaders {
    const { sessionId, protocolVersion } = this;
    return requestHeaders(this.options.headers, { sessionId, protocolVersion, handshake }, extra);
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

  private track(ids: Array<string | number>): void {
    for (const id of ids) this.awaiting.add(id);
  }

  private async consumeJson(res: IncomingMessage, ids: Array<string | number>): Promise<void> {
    this.track(ids);
    let text: string;
    try {
      text = await readBody(res, this.maxMessageBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return this.tooLarge(ids);
      return this.lost(ids, error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.malformed(ids, 'the upstream answered with invalid JSON');
    }
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
      if (message !== null && typeof message === 'object') this.deliver(message as JSONRPCMessage);
    }
    // a JSON body is the whole answer of its POST: a request it did not answer never will be
    this.malformed(
      ids.filter((id) => this.awaiting.has(id)),
      'the upstream answer carried no response for this request',
    );
  }

  /** Reads one SSE response of `state` in the background (see {@link readStream}). */
  private read(res: IncomingMessage, state: StreamState): void {
    readStream(res, state, {
      maxEventBytes: this.maxMessageBytes,
      parse: (event) => parseEventMessage(event, (error) => this.onerror?.(error)),
      deliver: (message) => this.deliver(message),
      onRetry: (ms) => (this.serverRetryMs = ms),
      onEnd: (s, end) => this.streamEnded(s, end),
    });
  }

  /**
   * A stream's response closed. The standalone stream is reopened from its own cursor; a POST stream that
   * still owes responses is resumed when it carried an event id, else its requests fail at once. An event
   * over the cap fails what the stream owes with {@link RESPONSE_TOO_LARGE_CODE}; a standalone stream is then
   * reopened without its cursor (the upstream would replay the same event), at most `maxRetries` times.
   */
  private streamEnded(state: StreamState, end: StreamEnd): void {
    if (this.closed) return;
    const owed = this.owed(state);
    if (end === 'overflow') {
      this.onerror?.(new Error(`brAInwav: ${tooLargeMessage(this.maxMessageBytes)}; stream dropped`));
      this.tooLarge(owed);
      if (!state.standalone) return;
      state.lastEventId = undefined;
      state.overflows += 1;
      return scheduleStream(this.reopen, state, state.overflows);
    }
    if (state.standalone) return scheduleStream(this.reopen, state, 0);
    if (owed.length === 0) return;
    if (state.lastEventId) return scheduleStream(this.reopen, state, 0);
    this.lost(owed, new Error('response stream closed before the result'));
  }

  /** Gives a stream up: the requests it still owes fail with {@link STREAM_LOST_CODE}. */
  private abandon(state: StreamState, cause: Error): void {
    this.lost(this.owed(state), cause);
  }

  /** Requests `state` owes that are still awaited (another stream may have answered them). */
  private owed(state: StreamState): Array<string | number> {
    return [...state.pending].filter((id) => this.awaiting.has(id));
  }

  private deliver(message: JSONRPCMessage): void {
    if (this.closed) return;
    const id = (message as { id?: string | number }).id;
    if (id !== undefined && !('method' in message)) this.awaiting.delete(id);
    if (this.raw.answer(message)) return;
    this.onmessage?.(message);
  }

  /** Fails the given requests at once (unless the transport is closing, which fails them anyway). */
  private lost(ids: Array<string | number>, cause: unknown): void {
    if (this.closed || ids.length === 0) return;
    this.onerror?.(new Error(`brAInwav: upstream response lost: ${String(cause)}`));
    this.failWith(ids, STREAM_LOST_CODE, 'brAInwav: upstream closed the response before the result');
  }

  /** Fails the given requests with {@link RESPONSE_TOO_LARGE_CODE}, naming the limit. */
  private tooLarge(ids: Array<string | number>): void {
    if (this.closed) return;
    const limitBytes = this.maxMessageBytes;
    this.failWith(ids, RESPONSE_TOO_LARGE_CODE, `brAInwav: ${tooLargeMessage(limitBytes)}`, { limitBytes });
  }

  /** Fails the given requests with {@link MALFORMED_RESPONSE_CODE}: the upstream's answer was not a JSON-RPC answer to them. */
  private malformed(ids: Array<string | number>, why: string): void {
    if (this.closed || ids.length === 0) return;
    this.failWith(ids, MALFORMED_RESPONSE_CODE, `brAInwav: malformed upstream response: ${why}`);
  }

  private failWith(ids: Array<string | number>, code: number, message: string, data?: unknown): void {
    for (const id of ids) {
      const error = data === undefined ? { code, message } : { code, message, data };
      this.deliver({ jsonrpc: '2.0', id, error });
    }
  }
}
