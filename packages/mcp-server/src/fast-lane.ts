import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProtocolError, ProtocolErrorCode, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import { branded } from './brand.js';
import { errorMessage } from './catalog.js';

/** A single JSON-RPC request of an existing session, as the fast lane sees it. */
export interface FastRequest {
  readonly id: string | number;
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>> | undefined;
}

/**
 * A session's fast path: answers `request` without the SDK transport, or declines with `undefined`
 * (the SDK transport then handles it, errors included). A `Buffer` is a pre-encoded JSON-RPC `result`;
 * a promise resolves to the `result` object. `signal` aborts when the client cancels the request
 * (`notifications/cancelled`), disconnects, or the session ends.
 */
export type FastPath = (request: FastRequest, signal: AbortSignal) => Buffer | Promise<unknown> | undefined;

/**
 * True when a POST may take the fast lane: the headers the SDK transport would check (Accept with both
 * JSON and SSE, JSON Content-Type, a supported `Mcp-Protocol-Version` if any) are all fine, so the
 * SDK's own 406/415/400 answers stay the SDK's.
 */
export function fastLaneEligible(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const accept = req.headers.accept ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return false;
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') return false;
  const version = req.headers['mcp-protocol-version'];
  return (
    version === undefined || (typeof version === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(version))
  );
}

/**
 * The per-session fast lane of the Streamable HTTP session host: JSON-RPC requests its {@link FastPath}
 * accepts are answered as plain `application/json` straight from Node's request/response objects
 * (no Web Request/Response conversion, no SSE framing), which is what keeps the gateway's own hop cheap.
 * It tracks its in-flight requests so `notifications/cancelled`, a client disconnect and session end
 * abort them, as the SDK protocol layer would.
 */
export class FastLane {
  private readonly inflight = new Map<string | number, AbortController>();

  constructor(private readonly path: FastPath) {}

  /** Answers `message` when the lane takes it; false leaves it (and `res`) to the SDK transport. */
  serve(sessionId: string, message: unknown, res: ServerResponse): boolean {
    if (this.cancel(message, res)) return true;
    const request = asRequest(message);
    if (!request || this.inflight.has(request.id)) return false;
    const controller = new AbortController();
    const answer = this.path(request, controller.signal);
    if (answer === undefined) return false;
    if (Buffer.isBuffer(answer)) {
      writeResult(res, sessionId, request.id, answer);
      return true;
    }
    this.inflight.set(request.id, controller);
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort(new Error('brAInwav: client disconnected'));
    };
    res.once('close', onClose);
    void answer
      .then(
        (result) => {
          if (controller.signal.aborted) endCancelled(res);
          else writeResult(res, sessionId, request.id, Buffer.from(JSON.stringify(result)));
        },
        (error: unknown) => {
          if (controller.signal.aborted) endCancelled(res);
          else writeError(res, sessionId, request.id, error);
        },
      )
      .finally(() => {
        this.inflight.delete(request.id);
        res.off('close', onClose);
      });
    return true;
  }

  /** Aborts every in-flight request (the session is ending). */
  abortAll(): void {
    for (const controller of this.inflight.values()) controller.abort(new Error('brAInwav: session closed'));
    this.inflight.clear();
  }

  /** `notifications/cancelled` for one of this lane's requests: abort it and acknowledge with 202. */
  private cancel(message: unknown, res: ServerResponse): boolean {
    const m = message as {
      method?: unknown;
      id?: unknown;
      params?: { requestId?: unknown; reason?: unknown };
    };
    if (m?.method !== 'notifications/cancelled' || m.id !== undefined) return false;
    const requestId = m.params?.requestId;
    const controller =
      typeof requestId === 'string' || typeof requestId === 'number'
        ? this.inflight.get(requestId)
        : undefined;
    if (!controller) return false;
    const reason = typeof m.params?.reason === 'string' ? m.params.reason : 'no reason given';
    controller.abort(new Error(`brAInwav: cancelled by the client (${reason})`));
    res.writeHead(202).end();
    return true;
  }
}

function asRequest(message: unknown): FastRequest | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  const m = message as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  if (m.jsonrpc !== '2.0' || typeof m.method !== 'string') return undefined;
  if (typeof m.id !== 'string' && !Number.isInteger(m.id)) return undefined;
  if (
    m.params !== undefined &&
    (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params))
  )
    return undefined;
  return {
    id: m.id as string | number,
    method: m.method,
    params: m.params as Record<string, unknown> | undefined,
  };
}

function writeResult(res: ServerResponse, sessionId: string, id: string | number, result: Buffer): void {
  if (res.writableEnded) return;
  const head = Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`);
  res.writeHead(200, {
    'content-type': 'application/json',
    'mcp-session-id': sessionId,
    'content-length': head.length + result.length + 1,
  });
  res.end(Buffer.concat([head, result, CLOSE_BRACE]));
}

const CLOSE_BRACE = Buffer.from('}');

/** A JSON-RPC error response: the ProtocolError's code, else -32603 with a branded message. */
function writeError(res: ServerResponse, sessionId: string, id: string | number, error: unknown): void {
  if (res.writableEnded) return;
  const protocol = error instanceof ProtocolError;
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id,
    error: {
      code: protocol ? error.code : ProtocolErrorCode.InternalError,
      message: protocol ? error.message : branded(errorMessage(error)),
    },
  });
  res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': sessionId });
  res.end(body);
}

/** A cancelled request gets no JSON-RPC response (as the protocol says); the HTTP exchange ends with 202. */
function endCancelled(res: ServerResponse): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(202).end();
}
