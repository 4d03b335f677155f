import type { Authenticator } from './authenticator.js';
import { API_KEY_CREDENTIAL } from './errors.js';
import { presentedKey } from './keys.js';
import { OAUTH_CREDENTIAL } from './oauth-authenticator.js';

/** A compact JWS: three base64url parts (the signature part may be empty, e.g. `alg: none`). */
const JWT_SHAPE = /^[ \t]*Bearer[ \t]+[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*[ \t]*$/i;

/**
 * `MCP_AUTH=both`: a bearer credential shaped like a JWT (three base64url parts separated by dots)
 * goes to `oauth`; any other credential (an API key as `Bearer` or `X-API-Key`) to `keys`; no
 * credential at all to `oauth`, so the 401 carries the OAuth challenge (`resource_metadata`) and clients
 * discover the authorization server. API keys therefore must not contain two dots in base64url form
 * (generated keys never do).
 */
export function combineAuthenticators(oauth: Authenticator, keys: Authenticator): Authenticator {
  return {
    credential: `${OAUTH_CREDENTIAL.replace(/ \(.*\)$/, '')} or ${API_KEY_CREDENTIAL}`,
    authenticate(request, scope) {
      const authorization = request.headers.authorization;
      if (typeof authorization === 'string' && JWT_SHAPE.test(authorization))
        return oauth.authenticate(request, scope);
      return presentedKey(request) === undefined
        ? oauth.authenticate(request, scope)
        : keys.authenticate(request, scope);
    },
  };
}
