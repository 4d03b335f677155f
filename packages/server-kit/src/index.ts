export { authPlugin, AUTH_PLUGIN_NAME, PUBLIC_SCOPE } from './auth.js';
export type { AuthPluginOptions } from './auth.js';
export { DEFAULT_AUTH_FAILURE_LIMIT } from './auth-throttle.js';
export type { AuthFailureLimit } from './auth-throttle.js';
export { createKeyAuthenticator } from './authenticator.js';
export type { AuthOutcome, Authenticator, KeyScope } from './authenticator.js';
export { readServerKitEnv } from './env.js';
export type { ConfigFail, ServerKitEnv, ServerKitSettings } from './env.js';
export { DEFAULT_SLOW_CLIENT_TIMEOUTS, readSlowClientTimeouts, slowClientServerOptions } from './timeouts.js';
export type { SlowClientTimeouts } from './timeouts.js';
export { ERRORS_PLUGIN_NAME, errorHandlerPlugin } from './error-handler.js';
export {
  AuthScopeError,
  ForbiddenError,
  GuardPolicyError,
  HostOriginError,
  ServerKitError,
  TooManyAuthFailuresError,
  UnauthorizedError,
} from './errors.js';
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
export { createKeyIndexMatcher, createKeyMatcher, keyId, presentedKey } from './keys.js';
export type { KeyHeaders } from './keys.js';
export { ANONYMOUS, attachPrincipal, principalOf } from './principal.js';
export type { Principal } from './principal.js';
