import { ConnectorsError } from './errors.js';

/** Variable naming the gateway base URL a stdio connector's map endpoint is published under. */
export const GATEWAY_URL_VAR = 'CONNECTORS_GATEWAY_URL';
/** Fallback of {@link GATEWAY_URL_VAR}: the connectors server's public URL. */
export const PUBLIC_URL_VAR = 'CONNECTORS_PUBLIC_URL';

/** A gateway base URL that is not an http(s) URL without credentials, query or fragment (code `CONFIG_INVALID`). */
export class GatewayUrlError extends ConnectorsError {
  /** What is wrong, without the value (`must be an http(s) URL`, …). */
  readonly reason: string;

  constructor(reason: string) {
    super('CONFIG_INVALID', `gateway URL ${reason}`);
    this.reason = reason;
  }
}

function parse(value: string): URL {
  try {
    return new URL(value.trim());
  } catch {
    throw new GatewayUrlError('must be an absolute http(s) URL');
  }
}

/**
 * Validates and normalizes a gateway base URL: http(s), no credentials, query or fragment; trailing slashes
 * trimmed (`https://gw.example.com/` → `https://gw.example.com`). Never echoes the value (it may be mistyped secrets).
 * @throws GatewayUrlError (code `CONFIG_INVALID`) naming the rule broken.
 */
export function normalizeGatewayUrl(value: string): string {
  const url = parse(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GatewayUrlError('must be an http(s) URL');
  if (url.username !== '' || url.password !== '') throw new GatewayUrlError('must not carry credentials');
  if (url.search !== '' || value.includes('?')) throw new GatewayUrlError('must not have a query');
  if (url.hash !== '' || value.includes('#')) throw new GatewayUrlError('must not have a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The map endpoint of stdio connector `id`: `<gatewayUrl>/mcp/connectors/<id>`. */
export function gatewayEndpointFor(gatewayUrl: string, id: string): string {
  return `${gatewayUrl}/mcp/connectors/${encodeURIComponent(id)}`;
}
