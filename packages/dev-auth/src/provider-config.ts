import { randomBytes } from 'node:crypto';
import type {
  AccessToken,
  Client,
  ClientCredentials,
  ClientMetadata,
  Configuration,
  KoaContextWithOIDC,
  UnknownObject,
} from 'oidc-provider';
import type { DevAuthClient, DevAuthConfig } from './config.js';
import { INTERACTION_PATH } from './interactions.js';
import type { DevAuthJwks } from './jwks.js';
import { memoryAdapterFactory } from './memory-adapter.js';
import { OIDC_SCOPES, resourceServerInfo, type ResourcePolicy } from './resources.js';

/** Everything the oidc-provider configuration is built from. */
export interface ProviderSetup {
  readonly config: DevAuthConfig;
  readonly jwks: DevAuthJwks;
  readonly accessTokenTtlSeconds: number;
  /** The resource of a request that names none (`undefined`: oidc-provider's rules, an opaque token). */
  readonly defaultResource: string | undefined;
}

const DAY = 24 * 60 * 60;

function clientMetadata(client: DevAuthClient): ClientMetadata {
  const code = client.grant_types.includes('authorization_code');
  const method = client.token_endpoint_auth_method ?? (client.client_secret ? 'client_secret_basic' : 'none');
  return {
    client_id: client.client_id,
    ...(client.client_secret === undefined ? {} : { client_secret: client.client_secret }),
    grant_types: [...client.grant_types],
    response_types: code ? ['code'] : [],
    redirect_uris: [...(client.redirect_uris ?? [])],
    token_endpoint_auth_method: method,
  };
}

function tokenRoles(
  setup: ProviderSetup,
  clients: ReadonlyMap<string, DevAuthClient>,
): (ctx: KoaContextWithOIDC, token: AccessToken | ClientCredentials) => UnknownObject {
  return (_ctx, token) => {
    if (token.kind === 'ClientCredentials') {
      const client = token.clientId === undefined ? undefined : clients.get(token.clientId);
      return { roles: [...(client?.roles ?? [])] };
    }
    const user = setup.config.users.find((u) => u.sub === token.accountId);
    return { roles: [...(user?.roles ?? [])] };
  };
}

function findAccount(setup: ProviderSetup): Configuration['findAccount'] {
  return (_ctx, sub) => {
    const user = setup.config.users.find((u) => u.sub === sub);
    if (user === undefined) return undefined;
    return { accountId: user.sub, claims: () => ({ sub: user.sub, roles: [...user.roles] }) };
  };
}

function ttls(setup: ProviderSetup): Configuration['ttl'] {
  const accessToken = setup.accessTokenTtlSeconds;
  return {
    AccessToken: accessToken,
    ClientCredentials: accessToken,
    AuthorizationCode: 60,
    IdToken: 60 * 60,
    RefreshToken: DAY,
    Interaction: 10 * 60,
    Session: DAY,
    Grant: DAY,
  };
}

/** A client may revoke only the tokens issued to it. */
function ownTokenPolicy(
  _ctx: KoaContextWithOIDC,
  client: Client,
  token: { clientId?: string | undefined },
): boolean {
  return token.clientId === client.clientId;
}

function renderError(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string | undefined },
): void {
  ctx.type = 'json';
  ctx.body = { brand: 'brAInwav', error: out.error, error_description: out.error_description };
}

/**
 * The oidc-provider configuration of the dev authorization server: authorization code with PKCE (S256,
 * required for every client), open dynamic client registration, client credentials, refresh tokens,
 * resource indicators issuing RS256 JWT access tokens (`aud` = the resource, `roles` claim), automatic
 * login and consent through {@link INTERACTION_PATH}, in-memory storage.
 */
export function providerConfiguration(setup: ProviderSetup): Configuration {
  const clients = new Map(setup.config.clients.map((c) => [c.client_id, c]));
  const policy: ResourcePolicy = {
    scopes: setup.config.scopes.filter((s) => !(OIDC_SCOPES as readonly string[]).includes(s)),
    resources: setup.config.resources,
    clients,
    accessTokenTtlSeconds: setup.accessTokenTtlSeconds,
  };
  return {
    adapter: memoryAdapterFactory(),
    clients: setup.config.clients.map(clientMetadata),
    jwks: { keys: setup.jwks.keys.map((key) => ({ ...key })) },
    scopes: [...new Set([...OIDC_SCOPES, ...setup.config.scopes])],
    claims: { openid: ['sub', 'roles'] },
    responseTypes: ['code'],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: findAccount(setup),
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}${interaction.uid}` },
    pkce: { required: () => true },
    clientBasedCORS: () => true,
    renderError,
    extraTokenClaims: tokenRoles(setup, clients),
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: ttls(setup),
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true, allowedPolicy: ownTokenPolicy },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? setup.defaultResource,
        useGrantedResource: () => true,
        getResourceServerInfo: resourceServerInfo(policy),
      },
    },
  };
}
