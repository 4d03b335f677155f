export { authPlugin, AUTH_PLUGIN_NAME, PUBLIC_SCOPE } from './auth.js';
export type { AuthPluginOptions } from './auth.js';
export { DEFAULT_AUTH_FAILURE_LIMIT } from './auth-throttle.js';
export type { AuthFailureLimit } from './auth-throttle.js';
export { authorizationServerMetadata, checkSecureUrl, discoveryUrls } from './as-metadata.js';
export type { AuthorizationServer, MetadataFetchOptions, MetadataSource } from './as-metadata.js';
export { createKeyAuthenticator } from './authenticator.js';
export type {
  AuthFailure,
  AuthFailureKind,
  AuthOutcome,
  Authenticator,
  KeyPrincipal,
  KeyScope,
} from './authenticator.js';
export { combineAuthenticators } from './combine.js';
export { loadKeyPrincipals, parseKeyPrincipals } from './key-principals.js';
export type { KeyPrincipalsOptions } from './key-principals.js';
export { createJwtVerifier, verificationError } from './jwt-verifier.js';
export type { JwtVerifier, JwtVerifierOptions, JwtVerifierStats } from './jwt-verifier.js';
export { createOAuthAuthenticator, OAUTH_CREDENTIAL } from './oauth-authenticator.js';
export type { OAuthAuthenticator, OAuthAuthenticatorOptions } from './oauth-authenticator.js';
export {
  PROTECTED_RESOURCE_PLUGIN_NAME,
  protectedResourcePlugin,
  resourceMetadataUrl,
  resourceUrl,
} from './protected-resource.js';
export type {
  DynamicResource,
  ProtectedResourceDocument,
  ProtectedResourceOptions,
} from './protected-resource.js';
export { comparableResource, verifiedTokenOf } from './token-claims.js';
export type { VerifiedToken } from './token-claims.js';
export { TokenCache } from './token-cache.js';
export type { Expiring } from './token-cache.js';
export { readServerKitEnv } from './env.js';
export type { ConfigFail, ServerKitEnv, ServerKitSettings } from './env.js';
export { closeConnectionsOnClose } from './connections.js';
export { DEFAULT_SLOW_CLIENT_TIMEOUTS, readSlowClientTimeouts, slowClientServerOptions } from './timeouts.js';
export type { SlowClientTimeouts } from './timeouts.js';
export { ERRORS_PLUGIN_NAME, errorHandlerPlugin } from './error-handler.js';
export {
  API_KEY_CREDENTIAL,
  AuthScopeError,
  AuthUnavailableError,
  ForbiddenError,
  GuardPolicyError,
  HostOriginError,
  InsufficientScopeError,
  InvalidTokenError,
  KeyPrincipalsError,
  OAuthConfigError,
  ServerKitError,
  TooManyAuthFailuresError,
  UnauthorizedError,
  UnknownResourceError,
} from './errors.js';
export type { KeyPrincipalsIssue } from './errors.js';
export { HOST_GUARD_PLUGIN_NAME, hostGuardPlugin } from './host-guard.js';
export type { HostGuardOptions } from './host-guard.js';
export {
  checkHostOrigin,
  defaultHostOriginPolicy,
  isHostEntry,
  isLoopbackHost,
  isOriginEntry,
  LOOPBACK_HOSTS,
} from './host-origin.js';
export type { DefaultPolicyOptions, GuardHeaders, GuardVerdict, HostOriginPolicy } from './host-origin.js';
export { createKeyIndexMatcher, createKeyMatcher, keyId, keySha256, presentedKey } from './keys.js';
export type { KeyHeaders } from './keys.js';
export { ANONYMOUS, attachPrincipal, principalOf } from './principal.js';
export type { Principal } from './principal.js';
