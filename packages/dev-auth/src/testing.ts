/**
 * Test helpers of the dev authorization server (subpath `@cortex-os/dev-auth/testing`): drive its automatic
 * login and consent the way a browser would, without a browser.
 */

/** A cookie jar by name (paths ignored: the flow visits one interaction at a time). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Keeps the cookies a response sets (a cleared or expired one is dropped). */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The `Cookie` request header. */
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** GET `url` without following redirects, sending and storing cookies. */
export async function step(url: string, jar: CookieJar): Promise<Response> {
  const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.store(response);
  await response.body?.cancel();
  return response;
}

/**
 * Follows the redirects of the automatic login and consent from `authorizationUrl` (add `login_hint=<sub>` to
 * choose the user) until the redirect URI — which is never requested — and returns that URL with its query
 * (`code`, `state`, `iss`, or `error`).
 * @throws Error when an answer is not a redirect, or after 10 hops.
 */
export async function followDevAuthorization(authorizationUrl: string, redirectUri: string): Promise<URL> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await step(url, jar);
    if (response.status !== 302 && response.status !== 303)
      throw new Error(
        `brAInwav: dev-auth answered ${response.status} at ${new URL(url).pathname}, not a redirect`,
      );
    const location = new URL(response.headers.get('location') ?? '', url);
    if (location.href.startsWith(redirectUri)) return location;
    url = location.href;
  }
  throw new Error('brAInwav: dev-auth authorization took more than 10 redirects');
}
