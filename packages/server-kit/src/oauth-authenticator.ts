import {
  OAuthError,
  OAuthErrorCode,
  bearerAuthChallengeResponse,
  getOAuthProtectedResourceMetadataUrl,
  verifyBearerToken,
  type AuthInfo,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import type { FastifyRequest } from 'fastify';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { authorizationServerMetadata, checkSecureUrl, type MetadataSource } from './as-metadata.js';
import type { AuthOutcome, Authenticator } from './authenticator.js';
import { AuthUnavailableError, OAuthConfigError } from './errors.js';
import { createJwtVerifier, type JwtVerifierStats } from './jwt-verifier.js';
import { comparableResource, type VerifiedToken } from './token-claims.js';

/** Options of {@link createOAuthAuthenticator}. */
export interface OAuthAuthenticatorOptions {
  /** The authorization server's issuer (`OAUTH_ISSUER`): a token's `iss` must equal it exactly. */
  readonly issuer: string;
  /**
   * Signing keys: the JWKS URL (`OAUTH_JWKS_URL`), or a local JWKS (tests, pinned keys). Default: the
   * `jwks_uri` of the issuer's metadata (discovered on the first token).
   */
  readonly jwks?: URL | JSONWebKeySet;
  /** The canonical resource URL of the route (`<base>/mcp`, `<base>/mcp/connectors/<id>`): the `aud` a token must carry. */
  readonly resourceOf: (request: FastifyRequest, scope: string) => URL;
  /** OAuth scopes the route requires of a token (403 `insufficient_scope` without them). */
  readonly requiredScopesOf?: (request: FastifyRequest, scope: string) => readonly string[] | undefined;
  /** The RFC 9728 metadata URL named in challenges; default the path-suffixed well-known URL of the resource. */
  readonly resourceMetadataUrlOf?: (resource: URL) => string;
  /** Claim holding the roles (`OAUTH_ROLES_CLAIM`), default `roles`. */
  readonly rolesClaim?: string;
  /** Accepted signature algorithms, default `RS256`, `PS256`, `ES256`, `EdDSA` (never `none` or HMAC). */
  readonly algorithms?: readonly string[];
  /** Clock skew allowed on `nbf` (seconds, 0–300), default 5. `exp` is never extended. */
  readonly clockToleranceSeconds?: number;
  /** Verified tokens kept (LRU) so a repeated token costs a map lookup; default 10,000; 0 disables. */
  readonly tokenCacheSize?: number;
  /** A `realm` put first in the no-credential challenge. */
  readonly realm?: string;
  /** JWKS refetch cooldown on an unknown `kid` (ms), default 30,000. */
  readonly jwksCooldownMs?: number;
  /** JWKS cache lifetime (ms), default 600,000. */
  readonly jwksCacheMaxAgeMs?: number;
  /** JWKS and metadata request timeout (ms), default 5,000. */
  readonly timeoutMs?: number;
  /** Fetch used for metadata and the JWKS; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Clock (ms since the epoch), default `Date.now`; for tests. */
  readonly now?: () => number;
}

/** An OAuth authenticator: always asynchronous for a presented token; its counters. */
export interface OAuthAuthenticator extends Authenticator {
  readonly credential: string;
  stats(): JwtVerifierStats;
}

/** What the 401 of an OAuth-protected route asks for. */
export const OAUTH_CREDENTIAL = 'an OAuth access token (Authorization: Bearer <token>)';

const DEFAULT_ALGORITHMS = Object.freeze(['RS256', 'PS256', 'ES256', 'EdDSA']);
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^ES256K$|^EdDSA$|^Ed25519$/;
const BEARER = /^[ \t]*Bearer[ \t]+(\S+)[ \t]*$/i;

/** The header as the SDK parses it (`Bearer <token>`, one space), or `undefined` without a bearer token. */
function bearerHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.startsWith('Bearer ') && header.indexOf(' ', 7) === -1 && header.length > 7) return header;
  const token = BEARER.exec(header)?.[1];
  return token === undefined ? undefined : `Bearer ${token}`;
}

function checkOptions(options: OAuthAuthenticatorOptions): void {
  checkSecureUrl('issuer', options.issuer);
  if (options.jwks instanceof URL) checkSecureUrl('jwks', options.jwks);
  const bad = (options.algorithms ?? DEFAULT_ALGORITHMS).find((alg) => !ASYMMETRIC.test(alg));
  if (bad !== undefined || options.algorithms?.length === 0)
    throw new OAuthConfigError('algorithms', 'must list asymmetric JWS algorithms only (no none, no HS*)');
  const tolerance = options.clockToleranceSeconds ?? 5;
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 300)
    throw new OAuthConfigError('clockToleranceSeconds', 'must be an integer from 0 to 300');
  const size = options.tokenCacheSize ?? 10_000;
  if (!Number.isInteger(size) || size < 0)
    throw new OAuthConfigError('tokenCacheSize', 'must be an integer >= 0');
}

function remoteKeys(url: URL, options: OAuthAuthenticatorOptions): JWTVerifyGetKey {
  return createRemoteJWKSet(url, {
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
    cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.timeoutMs ?? 5000,
    ...(options.fetch && { [customFetch]: options.fetch }),
  });
}

function localKeys(jwks: JSONWebKeySet): JWTVerifyGetKey {
  try {
    return createLocalJWKSet(jwks);
  } catch {
    throw new OAuthConfigError('jwks', 'is not a valid JSON Web Key Set');
  }
}

/**
 * The key getter: a local JWKS, a remote one, or the remote one the issuer's metadata names (discovered
 * once; concurrent first requests share the discovery, a failure is retried by a later request).
 */
function keysOf(
  options: OAuthAuthenticatorOptions,
  metadata: MetadataSource,
): () => JWTVerifyGetKey | Promise<JWTVerifyGetKey> {
  const { jwks } = options;
  if (jwks instanceof URL) {
    const remote = remoteKeys(jwks, options);
    return () => remote;
  }
  if (jwks) {
    const local = localKeys(jwks);
    return () => local;
  }
  let pending: Promise<JWTVerifyGetKey> | undefined;
  const discover = async () => {
    const uri = (await metadata.get()).jwks_uri;
    if (typeof uri !== 'string') throw new AuthUnavailableError('the issuer metadata has no jwks_uri');
    return remoteKeys(checkSecureUrl('jwks_uri', uri), options);
  };
  return () =>
    (pending ??= discover().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

/** An HTTP quoted-string as the SDK writes challenge parameters. */
const quoted = (value: string): string =>
  `"${value.replaceAll(/[\\"]/g, String.raw`\$&`).replaceAll(/[^\u0020-\u007E]/g, ' ')}"`;

/**
 * Verifies `Authorization: Bearer <JWT>` access tokens as an OAuth 2.1 resource server (jose + the MCP
 * SDK's `verifyBearerToken`): signature against the issuer's JWKS (`createRemoteJWKSet`: cached, and a
 * token with an unknown `kid` refetches it after the cooldown — key rotation), `iss` exact, `exp`/`nbf`
 * (`clockToleranceSeconds` on `nbf`), `aud` bound to the route's resource (`resourceOf`, RFC 8707), the
 * route's required scopes. The principal is `{ subject: sub, roles: <rolesClaim>, scopes: scope|scp,
 * claims, via: "oauth" }`. A verified token is cached (LRU, `tokenCacheSize`) until its `exp`: a repeat
 * costs a map lookup, and a JWKS rotation does not invalidate it. Outcomes: no bearer → `missing` with
 * `Bearer [realm, ]resource_metadata` challenge; a bad token → `invalid_token`, missing scopes →
 * `insufficient_scope`, both with the SDK's challenge (`bearerAuthChallengeResponse`). Keys or metadata
 * that cannot be fetched reject with `AUTH_UNAVAILABLE` (503). Throws `AUTH_CONFIG_INVALID` for a
 * non-https issuer/JWKS (http only on loopback), a symmetric algorithm or bad numbers.
 */
export function createOAuthAuthenticator(options: OAuthAuthenticatorOptions): OAuthAuthenticator {
  checkOptions(options);
  const metadata = authorizationServerMetadata(
    { issuer: options.issuer },
    {
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.timeoutMs && { timeoutMs: options.timeoutMs }),
    },
  );
  const verifier = createJwtVerifier({
    issuer: options.issuer,
    keys: keysOf(options, metadata),
    algorithms: options.algorithms ?? DEFAULT_ALGORITHMS,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 5,
    rolesClaim: options.rolesClaim ?? 'roles',
    cacheSize: options.tokenCacheSize ?? 10_000,
    ...(options.now && { now: options.now }),
  });
  const metadataUrlOf = options.resourceMetadataUrlOf ?? getOAuthProtectedResourceMetadataUrl;

  function missing(resource: URL, required: readonly string[] | undefined): AuthOutcome {
    const params = [
      ...(options.realm === undefined ? [] : [`realm=${quoted(options.realm)}`]),
      ...(required?.length ? [`scope=${quoted(required.join(' '))}`] : []),
      `resource_metadata=${quoted(metadataUrlOf(resource))}`,
    ];
    return { ok: false, failure: 'missing', challenge: `Bearer ${params.join(', ')}` };
  }

  function failed(error: OAuthError, resource: URL, required: string[], token?: VerifiedToken): AuthOutcome {
    const response = bearerAuthChallengeResponse(error, {
      requiredScopes: required,
      resourceMetadataUrl: metadataUrlOf(resource),
    });
    const challenge = response.headers.get('www-authenticate') ?? undefined;
    if (error.code === (OAuthErrorCode.InsufficientScope as string)) {
      const held = token?.principal.scopes ?? [];
      const missingScopes = required.filter((s) => !held.includes(s));
      return { ok: false, failure: 'insufficient_scope', challenge, missingScopes };
    }
    return { ok: false, failure: 'invalid_token', challenge, reason: error.message };
  }

  /**
   * The fast path of a token verified before: the success outcome, synchronously, when the cached token is
   * for `resource` and holds every required scope (exactly what `verifyBearerToken` would accept); anything
   * else (`undefined`) takes the full path, which also builds the failure's challenge.
   */
  function cachedOutcome(
    header: string,
    resource: URL,
    required: readonly string[] | undefined,
  ): AuthOutcome | undefined {
    const hit = verifier.cached(header.slice(7));
    if (hit === undefined || !hit.audiences.includes(comparableResource(resource.href))) return undefined;
    const held = hit.principal.scopes;
    return required === undefined || required.every((s) => held.includes(s)) ? hit.outcome : undefined;
  }

  async function verifyRequest(header: string, resource: URL, required: string[]): Promise<AuthOutcome> {
    let verified: VerifiedToken | undefined;
    const expected = comparableResource(resource.href);
    const tokenVerifier: OAuthTokenVerifier = {
      async verifyAccessToken(token): Promise<AuthInfo> {
        verified = await verifier.verify(token);
        return {
          token,
          clientId: verified.clientId,
          scopes: verified.principal.scopes as string[],
          expiresAt: verified.exp,
          ...(verified.audiences.includes(expected) && { resource }),
        };
      },
    };
    try {
      await verifyBearerToken(header, {
        verifier: tokenVerifier,
        expectedResource: resource,
        requiredScopes: required,
      });
      return verified!.outcome;
    } catch (error) {
      if (error instanceof OAuthError) return failed(error, resource, required, verified);
      throw error;
    }
  }

  return {
    credential: OAUTH_CREDENTIAL,
    authenticate(request, scope) {
      const header = bearerHeader(request.headers.authorization);
      const resource = options.resourceOf(request, scope);
      const required = options.requiredScopesOf?.(request, scope);
      if (header === undefined) return missing(resource, required);
      return (
        cachedOutcome(header, resource, required) ??
        verifyRequest(header, resource, required ? [...required] : [])
      );
    },
    stats: () => verifier.stats(),
  };
}
