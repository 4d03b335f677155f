import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { DevAuthClient, DevAuthConfig, DevAuthUser } from './config.js';
import { DEV_AUTH_ERROR_CODES, DevAuthError } from './errors.js';
import { autoInteraction, INTERACTION_PATH } from './interactions.js';
import { parseDevAuthJwks, type DevAuthJwks } from './jwks.js';
import { isLoopbackHost, parseUrl } from './loopback.js';
import { providerConfiguration } from './provider-config.js';
import { allowLoopbackRedirectPorts } from './redirects.js';

/** Default access token lifetime, in seconds. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 600;

/** Options of {@link startDevAuthServer}. */
export interface DevAuthServerOptions {
  /** Listen host (default `127.0.0.1`); a non-loopback host is refused unless `allowRemote`. */
  readonly host?: string;
  /** Listen port (default 0: a free port). */
  readonly port?: number;
  /** Private RS256 signing JWKS (object or JSON text), e.g. from {@link generateDevAuthJwks}. */
  readonly jwks: DevAuthJwks | string;
  readonly clients: readonly DevAuthClient[];
  readonly users: readonly DevAuthUser[];
  /** Every scope the server grants (requested scopes are intersected with these). */
  readonly scopes: readonly string[];
  /** Resources accepted besides any http(s) URL on a loopback host (prefix match on a path boundary). */
  readonly resources?: readonly string[];
  /** Resource of a request that names none (e.g. `http://127.0.0.1:7071/mcp`); default none. */
  readonly defaultResource?: string;
  /** Access token lifetime in seconds (default 600). */
  readonly accessTokenTtlSeconds?: number;
  /** Issuer identifier (default `http://<host>:<port>`); when set, `X-Forwarded-*` headers are trusted. */
  readonly issuer?: string;
  /** Listen on a non-loopback host (what `DEV_AUTH_ALLOW_REMOTE=true` sets). Never in production. */
  readonly allowRemote?: boolean;
  /** Receives the one start line (default: nothing is printed). */
  readonly log?: (line: string) => void;
}

/** A running dev authorization server. */
export interface DevAuthServer {
  /** The issuer identifier (`iss` of every token), e.g. `http://127.0.0.1:7072`. */
  readonly issuer: string;
  /** Base URL the server listens on, e.g. `http://127.0.0.1:7072`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `<url>/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** `<url>/.well-known/oauth-authorization-server` (RFC 8414, the same metadata). */
  readonly metadataUrl: string;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

const OPENID_CONFIGURATION = '/.well-known/openid-configuration';
const OAUTH_METADATA = '/.well-known/oauth-authorization-server';

function invalidOption(message: string): DevAuthError {
  return new DevAuthError(DEV_AUTH_ERROR_CODES.CONFIG_INVALID, message);
}

function checkOptions(options: DevAuthServerOptions): void {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw invalidOption(`port must be an integer 0-65535 (got ${port})`);
  const ttl = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl <= 0)
    throw invalidOption(`accessTokenTtlSeconds must be a positive integer (got ${ttl})`);
  if (options.scopes.length === 0) throw invalidOption('scopes must list at least one scope');
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && options.allowRemote !== true) {
    throw new DevAuthError(
      DEV_AUTH_ERROR_CODES.REMOTE_REFUSED,
      `dev-auth refuses to listen on the non-loopback host ${host}: it logs anyone in without a password (development only); set DEV_AUTH_ALLOW_REMOTE=true to override`,
    );
  }
}

function issuerOf(options: DevAuthServerOptions, url: string): string {
  if (options.issuer === undefined) return url;
  const issuer = parseUrl(options.issuer);
  if (
    !issuer ||
    (issuer.protocol !== 'http:' && issuer.protocol !== 'https:') ||
    issuer.search ||
    issuer.hash
  )
    throw invalidOption('issuer must be an absolute http(s) URL without query or fragment');
  return issuer.href.replace(/\/+$/, '');
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const description = error instanceof Error ? error.message : 'interaction failed';
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ brand: 'brAInwav', error: 'invalid_request', error_description: description }));
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Routes requests: automatic interactions, the RFC 8414 alias of the discovery document, then oidc-provider. */
function router(provider: Provider, users: readonly DevAuthUser[], issuerPath: string): Handler {
  const callback = provider.callback();
  const aliases = new Set([OAUTH_METADATA, `${OAUTH_METADATA}${issuerPath}`]);
  return (req, res) => {
    const [path = '/', query] = (req.url ?? '/').split('?', 2);
    if (path.startsWith(INTERACTION_PATH) && req.method === 'GET') {
      autoInteraction(provider, users, req, res).catch((error: unknown) => fail(res, error));
      return;
    }
    if (aliases.has(path)) req.url = `${OPENID_CONFIGURATION}${query === undefined ? '' : `?${query}`}`;
    void callback(req, res);
  };
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/**
 * Starts the brAInwav **development** authorization server (oidc-provider, in this process): authorization
 * code + PKCE (S256 required), open dynamic client registration, client credentials, refresh tokens, RFC
 * 8707 resource indicators issuing RS256 JWT access tokens (`iss`, `sub`, `aud` = the resource, `exp`,
 * `iat`, `scope`, `client_id`, `roles`), discovery at `/.well-known/openid-configuration` and
 * `/.well-known/oauth-authorization-server`. Login and consent complete automatically (the `login_hint`
 * user, else the first one): never expose it beyond this machine.
 * @throws DevAuthError `DEV_AUTH_REMOTE_REFUSED` (non-loopback host without `allowRemote`),
 *   `DEV_AUTH_JWKS_INVALID`, `DEV_AUTH_CONFIG_INVALID`; a system error (`EADDRINUSE`) when it cannot listen.
 */
export async function startDevAuthServer(options: DevAuthServerOptions): Promise<DevAuthServer> {
  checkOptions(options);
  const jwks = parseDevAuthJwks(options.jwks, 'jwks');
  const host = options.host ?? '127.0.0.1';
  let handle: Handler = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  const port = await listen(server, options.port ?? 0, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const close = closer(server);
  try {
    const issuer = issuerOf(options, url);
    const config: DevAuthConfig = {
      users: options.users,
      clients: options.clients,
      scopes: options.scopes,
      resources: options.resources ?? [],
    };
    const accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
    const provider = new Provider(
      issuer,
      providerConfiguration({
        config,
        jwks,
        accessTokenTtlSeconds,
        defaultResource: options.defaultResource,
      }),
    );
    if (options.issuer !== undefined) provider.proxy = true;
    allowLoopbackRedirectPorts(provider);
    handle = router(provider, options.users, new URL(issuer).pathname.replace(/\/$/, ''));
    options.log?.(
      `brAInwav dev-auth ▸ issuer ${issuer} (DEVELOPMENT ONLY: automatic login and consent, in-memory state)`,
    );
    return {
      issuer,
      url,
      host,
      port,
      discoveryUrl: `${url}${OPENID_CONFIGURATION}`,
      metadataUrl: `${url}${OAUTH_METADATA}`,
      close,
    };
  } catch (error) {
    await close();
    if (error instanceof DevAuthError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DevAuthError(
      DEV_AUTH_ERROR_CODES.CONFIG_INVALID,
      `dev-auth configuration rejected (${reason})`,
      { cause: error },
    );
  }
}
