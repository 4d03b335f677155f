export { startDevAuthServer, DEFAULT_ACCESS_TOKEN_TTL_SECONDS } from './server.js';
export type { DevAuthServer, DevAuthServerOptions } from './server.js';
export { generateDevAuthJwks, parseDevAuthJwks, publicDevAuthJwks } from './jwks.js';
export type { DevAuthJwks, DevAuthPrivateJwk } from './jwks.js';
export {
  loadDevAuthConfig,
  parseDevAuthConfig,
  DEV_AUTH_GRANT_TYPES,
  MIN_CLIENT_SECRET_LENGTH,
} from './config.js';
export type {
  DevAuthConfig,
  DevAuthClient,
  DevAuthUser,
  DevAuthGrantType,
  DevAuthClientAuthMethod,
  DevAuthEnv,
} from './config.js';
export { DevAuthError, DEV_AUTH_ERROR_CODES } from './errors.js';
export type { DevAuthErrorCode } from './errors.js';
export { isLoopbackHost, isLoopbackUrl } from './loopback.js';
export { resourceAllowed } from './resources.js';
export { loopbackRedirectMatches } from './redirects.js';
export { devAuthSettings, DEFAULT_DEV_AUTH_PORT, DEFAULT_DEV_AUTH_CONFIG } from './settings.js';
export type { DevAuthSettings } from './settings.js';
