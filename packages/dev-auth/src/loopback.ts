/** Hostnames that always mean this machine. */
const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

/** Whether `host` (a hostname or IP literal, IPv6 with or without brackets) is a loopback address. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return true;
  return /^127(?:\.\d{1,3}){3}$/.test(name);
}

/** `value` as a URL, or `undefined` when it is not an absolute URL. */
export function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Whether `value` is an absolute http(s) URL on a loopback host. */
export function isLoopbackUrl(value: string): boolean {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
  return isLoopbackHost(url.hostname);
}
