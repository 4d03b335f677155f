import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkHostOrigin, LOOPBACK_HOSTS, type HostOriginPolicy } from '@cortex-os/server-kit';
import { gatewayErrorBody } from './brand.js';

/** Host/Origin allow-lists: the server-kit policy (Host hostnames; Origin hostnames or exact origins with port). */
export type OriginPolicy = HostOriginPolicy;

/** Default allow-list: localhost-class names only. */
export const LOCALHOST_NAMES: readonly string[] = LOOPBACK_HOSTS;

/**
 * DNS-rebinding guard of the gateway's raw Node handlers, the same check as server-kit's Fastify hook:
 * `true` when the request may proceed; otherwise it has answered `403` with the branded error body
 * (`HOST_NOT_ALLOWED` or `ORIGIN_NOT_ALLOWED`). A missing `Origin` passes (non-browser clients send
 * none); a missing/foreign `Host` fails; an Origin's port is compared with the port the connection
 * arrived on.
 */
export function checkHostAndOrigin(req: IncomingMessage, res: ServerResponse, policy: OriginPolicy): boolean {
  const verdict = checkHostOrigin(req.headers, req.socket.localPort, policy);
  if (verdict.ok) return true;
  sendJsonError(res, 403, verdict.code, verdict.message);
  return false;
}

/** Write the DESIGN.md error body with `status` (and extra `headers`, e.g. `Retry-After`) and close the response. */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(gatewayErrorBody(code, message)));
}
