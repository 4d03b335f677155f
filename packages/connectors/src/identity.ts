import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  combineAuthenticators,
  createKeyAuthenticator,
  createOAuthAuthenticator,
  protectedResourcePlugin,
  resourceUrl,
  type Authenticator,
  type OAuthAuthenticator,
  type KeyScope,
} from '@cortex-os/server-kit';
import type { ConnectorsConfig } from './config.js';

/** The connectors a resource document or a scope check asks about (the verified map's enabled ones). */
export interface ConnectorScopes {
  /** The manifest `scopes` of an enabled connector, `undefined` when there is none with that id. */
  scopesOf(connectorId: string): readonly string[] | undefined;
}

/** The auth pieces of the connectors server: who a request is, and (OAuth) the RFC 9728 documents. */
export interface ServerIdentity {
  readonly authenticator: Authenticator;
  /** Registers `/.well-known/oauth-protected-resource[/…]` when OAuth is on (after the auth plugin). */
  register(app: FastifyInstance): Promise<void>;
}

/** Path of a request's protected resource: `/mcp`, `/mcp/connectors/<id>` or (REST, SSE, widget) `/v1/connectors`. */
function resourcePath(request: FastifyRequest, scope: string): string {
  if (scope !== 'mcp') return '/v1/connectors';
  const id = (request.params as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && request.routeOptions.url === '/mcp/connectors/:id'
    ? `/mcp/connectors/${encodeURIComponent(id)}`
    : '/mcp';
}

/** Auth scopes of the server: `rest` (REST, SSE, widget; `CONNECTORS_API_KEY`) and `mcp` (`MCP_API_KEY`). */
export function keyScopes(config: ConnectorsConfig): Record<string, KeyScope> {
  return {
    rest: { keys: config.apiKeys, label: 'this route' },
    mcp: { keys: config.mcpApiKeys, label: 'the MCP endpoint' },
  };
}

function oauthAuthenticator(config: ConnectorsConfig, connectors: ConnectorScopes): OAuthAuthenticator {
  const oauth = config.identity.oauth!;
  const base = new URL(config.identity.publicUrl);
  // the two fixed resources are built once (a URL per request showed in the profile); per-connector ones per request
  const fixed = new Map(['/mcp', '/v1/connectors'].map((path) => [path, resourceUrl(base, path)]));
  return createOAuthAuthenticator({
    issuer: oauth.issuer,
    ...(oauth.jwksUrl ? { jwks: new URL(oauth.jwksUrl) } : {}),
    rolesClaim: oauth.rolesClaim,
    realm: 'brAInwav connectors',
    resourceOf: (request, scope) => {
      const path = resourcePath(request, scope);
      return fixed.get(path) ?? resourceUrl(base, path);
    },
    // the passthrough of one connector needs that connector's manifest scopes on the token (403 insufficient_scope)
    requiredScopesOf: (request, scope) => {
      const path = resourcePath(request, scope);
      const own = path.startsWith('/mcp/connectors/')
        ? (connectors.scopesOf((request.params as { id: string }).id) ?? [])
        : [];
      const required = [...oauth.requiredScopes, ...own];
      return required.length > 0 ? required : undefined;
    },
  });
}

/**
 * Builds the authenticator for `MCP_AUTH`: `apiKey` — API keys only (env keys and the principals file);
 * `oauth` — `/mcp*` takes OAuth access tokens only, REST/SSE/widget tokens or API keys; `both` — tokens or keys
 * everywhere. `NO_AUTH=true` opens every route whatever the mode.
 */
export function serverIdentity(config: ConnectorsConfig, connectors: ConnectorScopes): ServerIdentity {
  const keys = createKeyAuthenticator(keyScopes(config), config.keyPrincipals);
  const { mode, oauth } = config.identity;
  if (config.noAuth || mode === 'apiKey' || oauth === undefined)
    return { authenticator: keys, register: () => Promise.resolve() };
  const tokens = oauthAuthenticator(config, connectors);
  const either = combineAuthenticators(tokens, keys);
  const authenticator: Authenticator =
    mode === 'both'
      ? either
      : {
          credential: (scope) => (scope === 'mcp' ? tokens.credential : (either.credential as string)),
          authenticate: (request, scope) =>
            scope === 'mcp' ? tokens.authenticate(request, scope) : either.authenticate(request, scope),
        };
  const base = new URL(config.identity.publicUrl);
  return {
    authenticator,
    register: async (app) => {
      await app.register(protectedResourcePlugin, {
        authorizationServer: { issuer: oauth.issuer },
        baseUrl: base,
        resources: ['/mcp', '/v1/connectors'],
        dynamicResources: [
          {
            prefix: '/mcp/connectors',
            knows: (id) => connectors.scopesOf(id) !== undefined,
            scopesOf: (id) => connectors.scopesOf(id),
          },
        ],
        defaultResource: '/mcp',
      });
    },
  };
}
