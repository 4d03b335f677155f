import { isIP } from 'node:net';
import { GuardPolicyError } from './errors.js';

/** Host/Origin allow-lists of the DNS-rebinding guard. */
export interface HostOriginPolicy {
  /** Hostnames accepted in `Host` (no port; IPv6 in brackets, e.g. `[::1]`). The Host port is not compared. */
  readonly allowedHosts: readonly string[];
  /**
   * Accepted `Origin`s. An exact origin `scheme://host[:port]` (http/https) matches only itself, port
   * included. A bare hostname matches that host on the server's own port (the one the connection arrived
   * on); a non-loopback hostname also on its scheme's default port (a TLS proxy in front). Requests
   * without `Origin` pass (non-browser clients).
   */
  readonly allowedOrigins: readonly string[];
}

/** Verdict of {@link checkHostOrigin}. */
export type GuardVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: 'HOST_NOT_ALLOWED' | 'ORIGIN_NOT_ALLOWED';
      readonly message: string;
    };

/** Headers the guard reads. */
export interface GuardHeaders {
  readonly host?: string | undefined;
  readonly origin?: string | string[] | undefined;
}

/** Loopback names every server accepts by default. */
export const LOOPBACK_HOSTS: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '[::1]']);

const NAME = String.raw`(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)`;
const HOST_HEADER = new RegExp(String.raw`^${NAME}(?::(\d{1,5}))?$`, 'i');
const HOSTNAME = new RegExp(`^${NAME}$`, 'i');
const ORIGIN = new RegExp(String.raw`^(https?)://${NAME}(?::(\d{1,5}))?$`, 'i');
const DEFAULT_PORT: Readonly<Record<string, number>> = { http: 80, https: 443 };

/** True for `localhost`, `127.0.0.0/8` and `::1` (bracketed or not). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** True when `entry` is a valid `allowedHosts` entry (a hostname, no port). */
export function isHostEntry(entry: string): boolean {
  return HOSTNAME.test(entry);
}

/** True when `entry` is a valid `allowedOrigins` entry (a hostname, or `http(s)://host[:port]`). */
export function isOriginEntry(entry: string): boolean {
  return HOSTNAME.test(entry) || ORIGIN.test(entry);
}

interface ParsedOrigin {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
}

function parseOrigin(value: string): ParsedOrigin | undefined {
  const m = ORIGIN.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  const scheme = m[1].toLowerCase();
  return { scheme, host: m[2].toLowerCase(), port: m[3] ? Number(m[3]) : (DEFAULT_PORT[scheme] ?? 0) };
}

const originKey = (o: ParsedOrigin): string => `${o.scheme}://${o.host}:${o.port}`;

interface CompiledPolicy {
  readonly hosts: ReadonlySet<string>;
  readonly exact: ReadonlySet<string>;
  readonly ownPort: ReadonlySet<string>;
  readonly defaultPort: ReadonlySet<string>;
}

function compile(policy: HostOriginPolicy): CompiledPolicy {
  const hosts = new Set<string>();
  const exact = new Set<string>();
  const ownPort = new Set<string>();
  const defaultPort = new Set<string>();
  for (const entry of policy.allowedHosts) {
    if (!isHostEntry(entry)) throw new GuardPolicyError('allowedHosts', entry, 'a hostname without port');
    hosts.add(entry.toLowerCase());
  }
  for (const entry of policy.allowedOrigins) {
    const origin = parseOrigin(entry);
    if (origin) exact.add(originKey(origin));
    else if (isHostEntry(entry)) {
      ownPort.add(entry.toLowerCase());
      if (!isLoopbackHost(entry)) defaultPort.add(entry.toLowerCase());
    } else
      throw new GuardPolicyError('allowedOrigins', entry, 'a hostname or an http(s)://host[:port] origin');
  }
  return { hosts, exact, ownPort, defaultPort };
}

const compiled = new WeakMap<HostOriginPolicy, CompiledPolicy>();

/** Validates `policy` once (throws `CONFIG_INVALID` on a malformed entry) and caches its compiled form. */
export function compileHostOriginPolicy(policy: HostOriginPolicy): void {
  if (!compiled.has(policy)) compiled.set(policy, compile(policy));
}

function compiledFor(policy: HostOriginPolicy): CompiledPolicy {
  let p = compiled.get(policy);
  if (!p) compiled.set(policy, (p = compile(policy)));
  return p;
}

const HOST_DENIED: GuardVerdict = Object.freeze({
  ok: false,
  code: 'HOST_NOT_ALLOWED',
  message: 'Host header not allowed (DNS rebinding protection)',
});
const ORIGIN_DENIED: GuardVerdict = Object.freeze({
  ok: false,
  code: 'ORIGIN_NOT_ALLOWED',
  message: 'Origin not allowed (DNS rebinding protection)',
});
const ALLOWED: GuardVerdict = Object.freeze({ ok: true });

function originAllowed(value: string, ownPort: number | undefined, p: CompiledPolicy): boolean {
  const origin = parseOrigin(value);
  if (!origin) return false;
  if (p.exact.has(originKey(origin))) return true;
  if (p.ownPort.has(origin.host) && origin.port === ownPort) return true;
  return p.defaultPort.has(origin.host) && origin.port === DEFAULT_PORT[origin.scheme];
}

/**
 * The DNS-rebinding guard, one function for every server: the `Host` hostname must be in
 * `allowedHosts`; an `Origin`, when present, must match `allowedOrigins` with its port (see
 * {@link HostOriginPolicy}). `localPort` is the port the connection arrived on (`socket.localPort`);
 * when unknown (in-process `inject`), the `Host` header's port stands in. A missing `Host`, an opaque
 * (`null`) or non-http(s) Origin fail. Messages are unbranded; callers brand them.
 */
export function checkHostOrigin(
  headers: GuardHeaders,
  localPort: number | undefined,
  policy: HostOriginPolicy,
): GuardVerdict {
  const p = compiledFor(policy);
  const host = HOST_HEADER.exec(headers.host ?? '');
  if (!host?.[1] || !p.hosts.has(host[1].toLowerCase())) return HOST_DENIED;
  const origin = headers.origin;
  if (origin === undefined) return ALLOWED;
  const ownPort = localPort ?? (host[2] ? Number(host[2]) : undefined);
  return typeof origin === 'string' && originAllowed(origin, ownPort, p) ? ALLOWED : ORIGIN_DENIED;
}

/** Options of {@link defaultHostOriginPolicy}. */
export interface DefaultPolicyOptions {
  /** The listen address (`HOST`); added to the hosts unless it is a wildcard (`0.0.0.0`, `::`). */
  readonly listenHost?: string;
  /** Extra hostnames (`CONNECTORS_ALLOWED_HOSTS` / `ASBR_ALLOWED_HOSTS`), accepted in Host and, on the own port, in Origin. */
  readonly allowedHosts?: readonly string[];
  /** Extra exact origins (`CONNECTORS_ALLOWED_ORIGINS` / `ASBR_ALLOWED_ORIGINS`). */
  readonly allowedOrigins?: readonly string[];
}

/** The default policy of a server: loopback names, its listen host and the configured hosts and origins. */
export function defaultHostOriginPolicy(options: DefaultPolicyOptions = {}): HostOriginPolicy {
  const names = new Set([...LOOPBACK_HOSTS, ...(options.allowedHosts ?? [])]);
  const listen = options.listenHost?.trim() ?? '';
  if (listen !== '' && listen !== '0.0.0.0' && listen !== '::')
    names.add(isIP(listen) === 6 ? `[${listen}]` : listen);
  const policy = {
    allowedHosts: Object.freeze([...names]),
    allowedOrigins: Object.freeze([...names, ...(options.allowedOrigins ?? [])]),
  };
  compileHostOriginPolicy(policy);
  return policy;
}
