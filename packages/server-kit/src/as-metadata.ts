import type { OAuthMetadata } from '@modelcontextprotocol/server';
import { AuthUnavailableError, OAuthConfigError } from './errors.js';
import { isLoopbackHost } from './host-origin.js';

/** The authorization server a resource server trusts. */
export interface AuthorizationServer {
  /** Its issuer URL (`OAUTH_ISSUER`), compared exactly with a token's `iss`. */
  readonly issuer: string;
  /** Its RFC 8414 metadata; fetched lazily from the issuer when absent. */
  readonly metadata?: OAuthMetadata;
}

/** How {@link authorizationServerMetadata} fetches. */
export interface MetadataFetchOptions {
  /** Default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Per document, default 5,000 ms. */
  readonly timeoutMs?: number;
  /** After a failed discovery, calls fail fast for this long before the next attempt; default 10,000 ms. */
  readonly retryAfterMs?: number;
}

/** Lazily discovered, cached authorization server metadata. */
export interface MetadataSource {
  /** The metadata; rejects with `AUTH_UNAVAILABLE` when it cannot be fetched. */
  get(): Promise<OAuthMetadata>;
}

/**
 * Parses `value` as an http(s) URL without query or fragment that is `https:`, or `http:` on a loopback
 * host only (dev). Throws `AUTH_CONFIG_INVALID` naming `option`.
 */
export function checkSecureUrl(option: string, value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OAuthConfigError(option, 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    throw new OAuthConfigError(option, 'must be https (plain http only on a loopback host)');
  if (url.search || url.hash) throw new OAuthConfigError(option, 'must not have a query or fragment');
  return url;
}

/** The two discovery documents of an issuer, in the order tried: RFC 8414, then OpenID Connect. */
export function discoveryUrls(issuer: URL): readonly [string, string] {
  const path = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '');
  return [
    `${issuer.origin}/.well-known/oauth-authorization-server${path}`,
    `${issuer.origin}${path}/.well-known/openid-configuration`,
  ];
}

async function fetchDocument(
  url: string,
  issuer: string,
  options: MetadataFetchOptions,
): Promise<OAuthMetadata> {
  const response = await (options.fetch ?? fetch)(url, {
    headers: { accept: 'application/json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  const body = (await response.json()) as Partial<OAuthMetadata> | null;
  if (typeof body !== 'object' || body === null) throw new Error(`${url} is not a JSON object`);
  if (body.issuer !== issuer) throw new Error(`${url} names issuer ${String(body.issuer)}, not ${issuer}`);
  return body as OAuthMetadata;
}

async function discover(issuer: string, options: MetadataFetchOptions): Promise<OAuthMetadata> {
  const reasons: string[] = [];
  for (const url of discoveryUrls(new URL(issuer))) {
    try {
      return await fetchDocument(url, issuer, options);
    } catch (error) {
      reasons.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new AuthUnavailableError(`authorization server metadata unavailable (${reasons.join('; ')})`);
}

/**
 * The metadata of `server`: `server.metadata` when given, else discovered on first use from
 * `<issuer>/.well-known/oauth-authorization-server` (RFC 8414, path-aware), then
 * `<issuer>/.well-known/openid-configuration`, requiring the document's `issuer` to equal the
 * configured one. A success is kept for the process lifetime; a failure is answered for `retryAfterMs`
 * without refetching, then tried again. The issuer URL is checked at once ({@link checkSecureUrl}).
 */
export function authorizationServerMetadata(
  server: AuthorizationServer,
  options: MetadataFetchOptions = {},
): MetadataSource {
  checkSecureUrl('issuer', server.issuer);
  if (server.metadata) {
    if (server.metadata.issuer !== server.issuer)
      throw new OAuthConfigError('metadata.issuer', `must equal the issuer ${server.issuer}`);
    const known = Promise.resolve(server.metadata);
    return { get: () => known };
  }
  const retryAfterMs = options.retryAfterMs ?? 10_000;
  let pending: Promise<OAuthMetadata> | undefined;
  let failedAt: number | undefined;
  return {
    get() {
      if (pending === undefined || (failedAt !== undefined && Date.now() - failedAt >= retryAfterMs)) {
        failedAt = undefined;
        pending = discover(server.issuer, options).catch((error: unknown) => {
          failedAt = Date.now();
          throw error;
        });
      }
      return pending;
    },
  };
}
