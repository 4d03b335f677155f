import { isAbsolute, resolve } from 'node:path';
import { isLoopbackHost } from '@cortex-os/server-kit';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** How callers of the MCP endpoints authenticate (`MCP_AUTH`). */
export const MCP_AUTH_MODES = ['apiKey', 'oauth', 'both'] as const;
export type McpAuthMode = (typeof MCP_AUTH_MODES)[number];

/** Default cap on open MCP sessions (`MCP_MAX_SESSIONS`) and per principal (`MCP_MAX_SESSIONS_PER_PRINCIPAL`). */
export const DEFAULT_MAX_SESSIONS = 1_000;
export const DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 100;

/** The OAuth resource-server settings (`MCP_AUTH=oauth|both`). */
export interface OAuthSettings {
  /** `OAUTH_ISSUER`: the authorization server's issuer, compared exactly with a token's `iss`. */
  readonly issuer: string;
  /** `OAUTH_JWKS_URL`; default the `jwks_uri` of the issuer's discovery document. */
  readonly jwksUrl: string | undefined;
  /** `OAUTH_ROLES_CLAIM` (default `roles`): the claim the principal's roles come from. */
  readonly rolesClaim: string;
  /** `OAUTH_REQUIRED_SCOPES`: scopes every token must carry on every protected route (default none). */
  readonly requiredScopes: readonly string[];
}

/** Who may call what: authentication mode, principals and policy files, session caps. */
export interface IdentityConfig {
  readonly mode: McpAuthMode;
  /** `CONNECTORS_PUBLIC_URL` (default `http://<host>:<port>`): the base of every canonical resource URL. */
  readonly publicUrl: string;
  /** Present when `mode` is `oauth` or `both`. */
  readonly oauth: OAuthSettings | undefined;
  /** `CONNECTORS_PRINCIPALS_FILE`: API keys bound to subjects and roles. */
  readonly principalsFile: string | undefined;
  /** `CONNECTORS_POLICY_FILE`: the policy in force (hot reloaded); without one every call is allowed. */
  readonly policyFile: string | undefined;
  readonly maxSessions: number;
  readonly maxSessionsPerPrincipal: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const fail = (variable: string, reason: string): never => {
  throw new ConfigError(variable, reason);
};

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

const Count = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().positive().max(1_000_000));
const ClaimName = z.string().regex(/^[A-Za-z0-9_.:/-]{1,128}$/);
const ScopeList = z
  .string()
  .transform((s) => s.split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/)));

function parsed<T>(env: Env, name: string, schema: z.ZodType<T>, reason: string, fallback: T): T {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const result = schema.safeParse(raw);
  return result.success ? result.data : fail(name, reason);
}

/** An absolute http(s) URL without query or fragment, trailing slashes removed; https unless on a loopback host. */
function baseUrl(env: Env, name: string, fallback: string | undefined): string | undefined {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(name, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(name, 'must be an http(s) URL');
  if (/[?#]/.test(raw)) fail(name, 'must not have a query or a fragment');
  if (url.username !== '' || url.password !== '') fail(name, 'must not carry credentials (user:password@)');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname.replace(/^\[|\]$/g, '')))
    fail(name, 'must use https unless its host is a loopback address');
  return url.href.replace(/\/+$/, '');
}

function filePath(env: Env, name: string, cwd: string): string | undefined {
  const raw = present(env, name);
  if (raw === undefined) return undefined;
  return isAbsolute(raw) ? raw : resolve(cwd, raw);
}

function oauthSettings(env: Env): OAuthSettings {
  const issuer = baseUrl(env, 'OAUTH_ISSUER', undefined);
  if (issuer === undefined) fail('OAUTH_ISSUER', 'is required when MCP_AUTH is oauth or both');
  return {
    // a token's `iss` must equal the issuer as configured (less trailing slashes): RFC 8414 §3.3
    issuer: issuer!,
    jwksUrl: baseUrl(env, 'OAUTH_JWKS_URL', undefined),
    rolesClaim: parsed(env, 'OAUTH_ROLES_CLAIM', ClaimName, 'must be a claim name', 'roles'),
    requiredScopes: parsed(
      env,
      'OAUTH_REQUIRED_SCOPES',
      ScopeList,
      'must be space- or comma-separated scope tokens',
      [],
    ),
  };
}

/**
 * Reads the identity settings of the connectors server.
 * @param listen the address the server listens on, for the default public URL.
 * @throws ConfigError `CONFIG_INVALID` naming the variable and the rule it broke, never its value.
 */
export function loadIdentityConfig(
  env: Env,
  listen: { host: string; port: number },
  cwd: string = process.cwd(),
): IdentityConfig {
  const mode = parsed(
    env,
    'MCP_AUTH',
    z.enum(MCP_AUTH_MODES),
    `must be one of ${MCP_AUTH_MODES.join(', ')}`,
    'apiKey',
  );
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  const fallback = `http://${host.includes(':') ? `[${host}]` : host}:${listen.port}`;
  const publicUrl = baseUrl(env, 'CONNECTORS_PUBLIC_URL', fallback)!;
  const maxSessions = parsed(
    env,
    'MCP_MAX_SESSIONS',
    Count,
    'must be a positive integer',
    DEFAULT_MAX_SESSIONS,
  );
  return {
    mode,
    publicUrl,
    oauth: mode === 'apiKey' ? undefined : oauthSettings(env),
    principalsFile: filePath(env, 'CONNECTORS_PRINCIPALS_FILE', cwd),
    policyFile: filePath(env, 'CONNECTORS_POLICY_FILE', cwd),
    maxSessions,
    maxSessionsPerPrincipal: parsed(
      env,
      'MCP_MAX_SESSIONS_PER_PRINCIPAL',
      Count,
      'must be a positive integer',
      Math.min(DEFAULT_MAX_SESSIONS_PER_PRINCIPAL, maxSessions),
    ),
  };
}
