import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJsonError } from './guard.js';

/** Default cap of a JSON request body, bytes (the connectors server's Fastify `bodyLimit`). */
export const MAX_JSON_BODY_BYTES = 4 * 1024 * 1024;

/**
 * A request body as JSON: `{ value }` (any JSON value, `null` included), or `undefined` when the request
 * was already answered (400 `BAD_REQUEST` for an empty or invalid body, 413 `PAYLOAD_TOO_LARGE` over
 * `maxBytes`, or the socket destroyed when the upload broke off). `{ value }` keeps "parsed as `null`"
 * apart from "not read yet" (`undefined`), so a caller never reads a consumed stream a second time.
 */
export type JsonBody = { readonly value: unknown } | undefined;

/**
 * Reads and parses the body of `req` once; errors are answered on `res` with the branded JSON body.
 * Invalid UTF-8 is decoded with replacement characters (as `TextDecoder` does) before parsing.
 */
export function readJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes = MAX_JSON_BODY_BYTES,
): Promise<JsonBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (status: number, code: string, message: string): void => {
      req.removeAllListeners('data');
      req.resume();
      sendJsonError(res, status, code, message);
      resolve(undefined);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(413, 'PAYLOAD_TOO_LARGE', 'request body too large');
      else chunks.push(chunk);
    });
    req.once('error', () => {
      res.destroy(); // the upload broke off: nobody is left to answer
      resolve(undefined);
    });
    req.once('end', () => {
      if (size > maxBytes) return;
      try {
        const text =
          chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        resolve({ value: JSON.parse(text) as unknown });
      } catch {
        fail(400, 'BAD_REQUEST', 'request body is not valid JSON');
      }
    });
  });
}

/**
 * The JSON body of a request the mounting framework may already have parsed: `parsed` when it is not
 * `undefined` (a parsed `null` stays `null`), else {@link readJsonBody}.
 */
export function jsonBodyOf(req: IncomingMessage, res: ServerResponse, parsed: unknown): Promise<JsonBody> {
  return parsed !== undefined ? Promise.resolve({ value: parsed }) : readJsonBody(req, res);
}
