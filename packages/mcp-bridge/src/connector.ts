import { AuthConfigError, ProxyOptionsError } from './errors.js';

/**
 * The fields of a connector the proxy uses. Structural: a `ConnectorEntry` (or service-map connector) of
 * `@cortex-os/connectors-manifest` satisfies it.
 */
export interface ProxyConnector {
  readonly id: string;
  readonly displayName: string;
  /** http(s) URL of the upstream MCP endpoint. */
  readonly endpoint: string;
  /**
   * Default `streamable-http`. `stdio`: a local connector; its `endpoint` is the gateway's `/mcp/connectors/<id>`
   * (reached over Streamable HTTP) unless the proxy is given `createTransport` (the gateway itself).
   */
  readonly transport?: 'streamable-http' | 'sse' | 'stdio';
  readonly auth: {
    readonly type: 'apiKey' | 'bearer' | 'none';
    readonly headerName?: string | undefined;
    readonly secretRef?: string | undefined;
  };
  /** Non-secret static headers sent on every request (default none). */
  readonly headers?: Readonly<Record<string, string>>;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Checks a connector before any network use.
 * @throws AuthConfigError `AUTH_CONFIG_INVALID` when `secretRef` is missing for apiKey/bearer, `headerName`
 *   is missing or invalid for apiKey, or `none` carries a `secretRef`.
 * @throws ProxyOptionsError `CONFIG_INVALID` when the id or endpoint is unusable.
 */
export function validateConnector(connector: ProxyConnector): void {
  const id = typeof connector.id === 'string' && connector.id !== '' ? connector.id : '(unknown)';
  if (id === '(unknown)') throw new ProxyOptionsError(id, 'connector id must be a non-empty string');
  let url: URL;
  try {
    url = new URL(connector.endpoint);
  } catch {
    throw new ProxyOptionsError(id, `connector ${id}: endpoint must be an http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyOptionsError(id, `connector ${id}: endpoint must be an http(s) URL (got ${url.protocol})`);
  }
  validateAuth(id, connector.auth);
}

function validateAuth(id: string, auth: ProxyConnector['auth'] | undefined): void {
  if (!auth || !['apiKey', 'bearer', 'none'].includes(auth.type)) {
    throw new AuthConfigError(id, `connector ${id}: auth.type must be apiKey, bearer or none`);
  }
  if (auth.type === 'none') {
    if (auth.secretRef)
      throw new AuthConfigError(id, `connector ${id}: auth.secretRef must be absent when auth.type is none`);
    return;
  }
  if (!auth.secretRef)
    throw new AuthConfigError(
      id,
      `connector ${id}: auth.secretRef is required when auth.type is ${auth.type}`,
    );
  if (auth.type === 'apiKey' && (!auth.headerName || !HEADER_NAME.test(auth.headerName))) {
    throw new AuthConfigError(
      id,
      `connector ${id}: auth.headerName must be a valid header name when auth.type is apiKey`,
    );
  }
}
