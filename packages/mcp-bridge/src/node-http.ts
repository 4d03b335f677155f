import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SdkErrorCode, SdkHttpError, type JSONRPCMessage } from '@modelcontextprotocol/client';

/** A keep-alive agent for `url`'s scheme (one per transport, destroyed with it). */
export function keepAliveAgent(url: URL): HttpAgent {
  const options = { keepAlive: true, keepAliveMsecs: 1_000, scheduling: 'lifo' as const };
  return url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

interface Target {
  protocol: string;
  hostname: string;
  port: string;
  path: string;
  auth?: string;
}

const targets = new WeakMap<URL, Target>();

/** `http.request` options of `url`, computed once per URL object (the transport's URL never changes). */
function targetOf(url: URL): Target {
  let target = targets.get(url);
  if (!target) {
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    target = { protocol: url.protocol, hostname, port: url.port, path: `${url.pathname}${url.search}` };
    if (url.username !== '')
      target.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    targets.set(url, target);
  }
  return target;
}

/** An HTTP exchange in flight: its response (headers received) and a way to abort it. */
export interface Exchange {
  readonly response: Promise<IncomingMessage>;
  abort(reason: Error): void;
}

/**
 * Starts one HTTP request on `agent` with `body` (if any) and resolves with the response once its
 * headers arrived. Network failures reject with Node's own error (`ECONNREFUSED`, `ECONNRESET`, …).
 */
export function exchange(
  url: URL,
  agent: HttpAgent,
  method: 'GET' | 'POST' | 'DELETE',
  headers: OutgoingHttpHeaders,
  body?: string,
): Exchange {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send({ ...targetOf(url), method, agent, headers });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  if (body === undefined) req.end();
  else req.end(body);
  return { response, abort: (reason) => req.destroy(reason) };
}

/** A response body outgrew its read limit; the response was destroyed, nothing more is buffered. */
export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';

  constructor(readonly limitBytes: number) {
    super(`brAInwav: response body exceeds the read limit of ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a whole response body as UTF-8, at most `limit` bytes. Over the limit (by `Content-Length` at once,
 * or while reading) it rejects with {@link BodyTooLargeError} and destroys the response, or with
 * `truncate` resolves with the first `limit` bytes (the rest is discarded).
 */
export function readBody(
  res: IncomingMessage,
  limit = 16 * 1024 * 1024,
  overLimit: 'fail' | 'truncate' = 'fail',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): void => {
      reject(new BodyTooLargeError(limit));
      res.destroy();
    };
    if (overLimit === 'fail' && Number(res.headers['content-length'] ?? 0) > limit) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      const room = limit - size;
      size += chunk.length;
      if (room >= chunk.length) chunks.push(chunk);
      else if (overLimit === 'fail') tooLarge();
      else if (room > 0) chunks.push(chunk.subarray(0, room));
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }));
    });
  });
}

/** Media type of a Content-Type header without parameters, lower-cased. */
export function mediaType(res: IncomingMessage): string {
  return (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Ids of the requests in `message` (none for notifications and responses). */
export function requestIds(message: JSONRPCMessage): Array<string | number> {
  const m = message as { id?: string | number; method?: unknown };
  return m.method !== undefined && m.id !== undefined ? [m.id] : [];
}

/** First value of a response header. */
export function headerValue(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An `SdkHttpError` for a non-2xx response (401/403 coded as the SDK does), with up to 500 chars of its body. */
export async function httpError(res: IncomingMessage, what: string): Promise<SdkHttpError> {
  const status = res.statusCode ?? 0;
  const text = await readBody(res, 64 * 1024, 'truncate').catch(() => '');
  const code =
    status === 401
      ? SdkErrorCode.ClientHttpAuthentication
      : status === 403
        ? SdkErrorCode.ClientHttpForbidden
        : SdkErrorCode.ClientHttpNotImplemented;
  const body = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  return new SdkHttpError(code, `${what}: HTTP ${status}${body ? ` ${body}` : ''}`, {
    status,
    statusText: res.statusMessage ?? '',
    text,
  });
}
