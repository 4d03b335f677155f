import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { loadDevAuthConfig, type DevAuthEnv } from './config.js';
import { DEV_AUTH_ERROR_CODES, DevAuthError } from './errors.js';
import { generateDevAuthJwks, parseDevAuthJwks } from './jwks.js';
import { isLoopbackUrl, parseUrl } from './loopback.js';
import type { DevAuthServerOptions } from './server.js';

/** Default port of the dev authorization server (`DEV_AUTH_PORT`). */
export const DEFAULT_DEV_AUTH_PORT = 7072;

/** Default configuration file, relative to the working directory (`DEV_AUTH_CONFIG`). */
export const DEFAULT_DEV_AUTH_CONFIG = 'config/dev-auth.json';

/** The server options the bin derived from the environment, and what it should say about them. */
export interface DevAuthSettings {
  readonly options: DevAuthServerOptions;
  /** The configuration file read. */
  readonly configPath: string;
  /** True when `DEV_AUTH_JWKS` was unset and an ephemeral key signs the tokens. */
  readonly ephemeralKey: boolean;
}

function present(env: DevAuthEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function invalid(name: string, rule: string): DevAuthError {
  return new DevAuthError(DEV_AUTH_ERROR_CODES.CONFIG_INVALID, `${name} ${rule}`);
}

function integer(env: DevAuthEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw invalid(name, `must be an integer ${min}-${max}`);
  return value;
}

function httpUrl(env: DevAuthEnv, name: string): string | undefined {
  const raw = present(env, name);
  if (raw === undefined) return undefined;
  const url = parseUrl(raw);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash)
    throw invalid(name, 'must be an absolute http(s) URL without query or fragment');
  return url.href.replace(/\/+$/, '');
}

/** Default connectors manifest, relative to the working directory (`CONNECTORS_MANIFEST_PATH`). */
export const DEFAULT_CONNECTORS_MANIFEST = 'config/connectors.manifest.json';

/**
 * Every scope the connectors manifest's connectors declare (`connectors[].scopes`), so clients that register
 * with the scopes the connectors server advertises are accepted; none when the manifest cannot be read (its
 * validation is asbr's job, not ours).
 */
export async function manifestScopes(path: string): Promise<string[]> {
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { connectors?: { scopes?: unknown }[] };
    const scopes = (manifest.connectors ?? []).flatMap((c): unknown[] =>
      Array.isArray(c?.scopes) ? (c.scopes as unknown[]) : [],
    );
    return [
      ...new Set(
        scopes.filter((s): s is string => typeof s === 'string' && /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s)),
      ),
    ];
  } catch {
    return [];
  }
}

function resolved(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** The connectors server's base URL: `CONNECTORS_PUBLIC_URL`, else `http://127.0.0.1:<CONNECTORS_PORT or 7071>`. */
function connectorsBase(env: DevAuthEnv): string {
  const port = integer(env, 'CONNECTORS_PORT', 7071, 1, 65_535);
  return httpUrl(env, 'CONNECTORS_PUBLIC_URL') ?? `http://127.0.0.1:${port}`;
}

/**
 * Reads the bin's settings: `DEV_AUTH_PORT` (7072), `DEV_AUTH_HOST` (127.0.0.1), `DEV_AUTH_ALLOW_REMOTE`,
 * `DEV_AUTH_JWKS` (private JWKS JSON; unset: an ephemeral key), `DEV_AUTH_CONFIG` (`config/dev-auth.json`,
 * client secrets from their `client_secret_ref`), `DEV_AUTH_ISSUER`, `DEV_AUTH_ACCESS_TOKEN_TTL_SECONDS`
 * (600), `DEV_AUTH_DEFAULT_RESOURCE` (default `<connectors base>/mcp`). A non-loopback
 * `CONNECTORS_PUBLIC_URL` is accepted as a resource (a tunnel or a proxy in front of the connectors server);
 * the scopes of the connectors manifest (`CONNECTORS_MANIFEST_PATH`, default `config/connectors.manifest.json`)
 * join the configured ones.
 * @throws DevAuthError naming the variable or the file, never a secret value.
 */
export async function devAuthSettings(env: DevAuthEnv, cwd: string): Promise<DevAuthSettings> {
  const port = integer(env, 'DEV_AUTH_PORT', DEFAULT_DEV_AUTH_PORT, 0, 65_535);
  const ttl = integer(env, 'DEV_AUTH_ACCESS_TOKEN_TTL_SECONDS', 600, 1, 86_400);
  const configPath = resolved(cwd, present(env, 'DEV_AUTH_CONFIG') ?? DEFAULT_DEV_AUTH_CONFIG);
  const config = await loadDevAuthConfig(configPath, env);
  const manifest = resolved(cwd, present(env, 'CONNECTORS_MANIFEST_PATH') ?? DEFAULT_CONNECTORS_MANIFEST);
  const scopes = [...new Set([...config.scopes, ...(await manifestScopes(manifest))])];
  const rawJwks = present(env, 'DEV_AUTH_JWKS');
  const jwks =
    rawJwks === undefined ? await generateDevAuthJwks() : parseDevAuthJwks(rawJwks, 'DEV_AUTH_JWKS');
  const base = connectorsBase(env);
  const issuer = httpUrl(env, 'DEV_AUTH_ISSUER');
  const options: DevAuthServerOptions = {
    host: present(env, 'DEV_AUTH_HOST') ?? '127.0.0.1',
    port,
    jwks,
    ...config,
    scopes,
    resources: isLoopbackUrl(base) ? config.resources : [...config.resources, base],
    defaultResource: httpUrl(env, 'DEV_AUTH_DEFAULT_RESOURCE') ?? `${base}/mcp`,
    accessTokenTtlSeconds: ttl,
    allowRemote: present(env, 'DEV_AUTH_ALLOW_REMOTE') === 'true',
    ...(issuer === undefined ? {} : { issuer }),
  };
  return { options, configPath, ephemeralKey: rawJwks === undefined };
}
