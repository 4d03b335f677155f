import type Provider from 'oidc-provider';
import { isLoopbackHost, parseUrl } from './loopback.js';

/** `uri` without its port when it is an http URL on a loopback host, else `undefined`. */
function portless(uri: string): string | undefined {
  const url = parseUrl(uri);
  if (!url || url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return undefined;
  url.port = '';
  return url.href;
}

/** Whether `value` equals one of `registered` except for the port of an http loopback URI (RFC 8252 §7.3). */
export function loopbackRedirectMatches(value: string, registered: readonly string[]): boolean {
  const wanted = portless(value);
  return wanted !== undefined && registered.some((uri) => portless(uri) === wanted);
}

interface RedirectChecking {
  redirectUriAllowed(value: string): boolean;
  readonly redirectUris?: readonly string[] | undefined;
}

/**
 * Lets every client of `provider` (configured or registered, web or native) use its registered http
 * loopback redirect URIs on any port, as native apps and CLIs do (oidc-provider allows that only for
 * `application_type: "native"`). Exact matching stays the rule for every other URI.
 */
export function allowLoopbackRedirectPorts(provider: Provider): void {
  const prototype = provider.Client.prototype as RedirectChecking;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the client as `this` below
  const original = prototype.redirectUriAllowed;
  prototype.redirectUriAllowed = function redirectUriAllowed(this: RedirectChecking, value: string): boolean {
    return original.call(this, value) || loopbackRedirectMatches(value, this.redirectUris ?? []);
  };
}
