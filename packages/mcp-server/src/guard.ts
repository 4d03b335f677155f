import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';
import { gatewayErrorBody } from './brand.js';

/** Host/Origin allow-lists (hostnames only, no ports; IPv6 in brackets). */
export interface OriginPolicy {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}

/** Default allow-list: localhost-class names only. */
export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * DNS-rebinding guard. Returns `true` when the request may proceed; otherwise it has answered
 * `403` with the branded error body (`HOST_NOT_ALLOWED` or `ORIGIN_NOT_ALLOWED`).
 * A missing `Origin` passes (non-browser clients send none); a missing/foreign `Host` fails.
 */
export function checkHostAndOrigin(req: IncomingMessage, res: ServerResponse, policy: OriginPolicy): boolean {
  const host = validateHostHeader(req.headers.host, [...policy.allowedHosts]);
  if (!host.ok) {
    sendJsonError(res, 403, 'HOST_NOT_ALLOWED', 'Host header not allowed (DNS rebinding protection)');
    return false;
  }
  const origin = validateOriginHeader(req.headers.origin, [...policy.allowedOrigins]);
  if (!origin.ok) {
    sendJsonError(res, 403, 'ORIGIN_NOT_ALLOWED', 'Origin not allowed (DNS rebinding protection)');
    return false;
  }
  return true;
}

/** Write the DESIGN.md error body with `status` and close the response. */
export function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(gatewayErrorBody(code, message)));
}
