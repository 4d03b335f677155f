import type { Principal } from '@cortex-os/server-kit';

/** An API-key principal (as the connectors server's principals file binds a key): roles, no scopes. */
export function apiKeyPrincipal(subject: string, roles: string[] = []): Principal {
  return Object.freeze({ subject, roles, scopes: [], claims: {}, via: 'api-key' });
}

/** An OAuth principal (as a verified access token yields): roles, scopes and claims. */
export function oauthPrincipal(
  subject: string,
  token: { roles?: string[]; scopes?: string[]; claims?: Record<string, unknown> } = {},
): Principal {
  return Object.freeze({
    subject,
    roles: token.roles ?? [],
    scopes: token.scopes ?? [],
    claims: token.claims ?? {},
    via: 'oauth',
  });
}
