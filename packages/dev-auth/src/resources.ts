import type { Client, KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { DevAuthClient } from './config.js';
import { isLoopbackUrl, parseUrl } from './loopback.js';

/** What decides which resources tokens are issued for and which scopes they may carry. */
export interface ResourcePolicy {
  /** Every scope the server grants. */
  readonly scopes: readonly string[];
  /** Configured resources (prefix match on a path boundary) besides loopback URLs. */
  readonly resources: readonly string[];
  /** Statically configured clients by id (their `scopes` limit what they are granted). */
  readonly clients: ReadonlyMap<string, DevAuthClient>;
  readonly accessTokenTtlSeconds: number;
}

/** Scopes that are OpenID Connect's own, never a resource server's. */
export const OIDC_SCOPES = ['openid', 'offline_access'] as const;

function underPrefix(resource: string, prefix: string): boolean {
  if (resource === prefix) return true;
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return resource.startsWith(base);
}

/**
 * Whether `resource` may be an access token's audience: any http(s) URL on a loopback host (dev), or a
 * configured resource (or a URL under it), never with a fragment.
 */
export function resourceAllowed(resource: string, configured: readonly string[]): boolean {
  const url = parseUrl(resource);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || resource.includes('#')) return false;
  return isLoopbackUrl(resource) || configured.some((prefix) => underPrefix(resource, prefix));
}

/**
 * Scopes `client` may be granted for a resource: the server's scopes, limited by a configured client's
 * `scopes`, or by a registered client's `scope` metadata.
 */
export function clientScopes(policy: ResourcePolicy, client: Client): string[] {
  const configured = policy.clients.get(client.clientId);
  const registered = typeof client.scope === 'string' ? new Set(client.scope.split(' ')) : undefined;
  const limit = configured ? new Set(configured.scopes) : registered;
  return policy.scopes.filter((scope) => !limit || limit.has(scope));
}

/** `features.resourceIndicators.getResourceServerInfo`: RS256 JWT access tokens whose `aud` is the resource. */
export function resourceServerInfo(policy: ResourcePolicy) {
  return (_ctx: KoaContextWithOIDC, resource: string, client: Client): ResourceServer => {
    if (!resourceAllowed(resource, policy.resources)) {
      throw new errors.InvalidTarget(
        `brAInwav: resource ${resource} is neither an http(s) URL on a loopback host nor a configured resource`,
      );
    }
    return {
      scope: clientScopes(policy, client).join(' '),
      audience: resource,
      accessTokenTTL: policy.accessTokenTtlSeconds,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    };
  };
}
