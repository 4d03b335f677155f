import { readFile } from 'node:fs/promises';
import { DEV_AUTH_ERROR_CODES, DevAuthError } from './errors.js';
import { parseUrl } from './loopback.js';

/** A dev user the authorization endpoint logs in without a password (`login_hint`, else the first one). */
export interface DevAuthUser {
  /** The token's `sub`. */
  readonly sub: string;
  /** The token's `roles` claim in the authorization-code flow. */
  readonly roles: readonly string[];
}

/** OAuth grant types a configured client may use. */
export const DEV_AUTH_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

/** One of {@link DEV_AUTH_GRANT_TYPES}. */
export type DevAuthGrantType = (typeof DEV_AUTH_GRANT_TYPES)[number];

/** How a configured client authenticates at the token endpoint. */
export type DevAuthClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** A statically configured client, its secret resolved. */
export interface DevAuthClient {
  readonly client_id: string;
  /** Confidential clients only (required for `client_credentials`); never logged. */
  readonly client_secret?: string;
  /** The token's `roles` claim in the client-credentials flow. */
  readonly roles: readonly string[];
  /** Scopes this client may be granted (a subset of the server's `scopes`). */
  readonly scopes: readonly string[];
  readonly grant_types: readonly DevAuthGrantType[];
  /** Required with `authorization_code`; http loopback URIs match on any port (RFC 8252 §7.3). */
  readonly redirect_uris?: readonly string[];
  /** Default `client_secret_basic` with a secret, `none` without. */
  readonly token_endpoint_auth_method?: DevAuthClientAuthMethod;
}

/** What `config/dev-auth.json` describes (client secrets resolved from their `client_secret_ref`). */
export interface DevAuthConfig {
  readonly users: readonly DevAuthUser[];
  readonly clients: readonly DevAuthClient[];
  /** Every scope the server grants (e.g. `mcp:tools` and the connectors' manifest scopes). */
  readonly scopes: readonly string[];
  /** Resource indicators accepted besides any http(s) URL on a loopback host (prefix match on a path boundary). */
  readonly resources: readonly string[];
}

/** Environment variables as the loader reads them. */
export type DevAuthEnv = Readonly<Record<string, string | undefined>>;

/** Client secrets shorter than this are refused. */
export const MIN_CLIENT_SECRET_LENGTH = 16;

const SUB = /^[A-Za-z0-9._@:-]{1,128}$/;
const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;
const TOP_KEYS = new Set(['users', 'clients', 'scopes', 'resources', 'description']);
const USER_KEYS = new Set(['sub', 'roles', 'description']);
const CLIENT_KEYS = new Set([
  'client_id',
  'client_secret_ref',
  'roles',
  'scopes',
  'grant_types',
  'redirect_uris',
  'token_endpoint_auth_method',
  'description',
]);
const AUTH_METHODS: readonly DevAuthClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
];

/** Collects the problems of one document; every message names its JSON path, never a secret. */
class Issues {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Json, allowed: ReadonlySet<string>, path: string, issues: Issues): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key) && !key.startsWith('$'))
      issues.add(`${path}.${key}`.replace(/^\./, ''), 'unknown key');
  }
}

function stringList(value: unknown, path: string, issues: Issues, pattern?: RegExp): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.add(path, 'must be an array of strings');
    return [];
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    if (typeof item !== 'string' || item === '' || (pattern && !pattern.test(item))) {
      issues.add(`${path}[${index}]`, `is not a valid value (got ${JSON.stringify(item)})`);
    } else out.push(item);
  });
  return [...new Set(out)];
}

function parseUser(value: unknown, path: string, issues: Issues): DevAuthUser | undefined {
  if (!isObject(value)) {
    issues.add(path, 'must be an object { sub, roles }');
    return undefined;
  }
  unknownKeys(value, USER_KEYS, path, issues);
  if (typeof value.sub !== 'string' || !SUB.test(value.sub)) {
    issues.add(`${path}.sub`, `must match ${SUB.source} (got ${JSON.stringify(value.sub)})`);
    return undefined;
  }
  return { sub: value.sub, roles: stringList(value.roles, `${path}.roles`, issues) };
}

function resolveSecret(ref: unknown, path: string, env: DevAuthEnv, issues: Issues): string | undefined {
  if (ref === undefined) return undefined;
  const match = typeof ref === 'string' ? ENV_REF.exec(ref) : null;
  if (!match) {
    issues.add(path, 'must be "env:<VARIABLE>"');
    return undefined;
  }
  const name = match[1]!;
  const secret = env[name]?.trim();
  if (!secret) {
    issues.add(path, `${name} is not set (npm start generates it into .env.local)`);
    return undefined;
  }
  if (secret.length < MIN_CLIENT_SECRET_LENGTH) {
    issues.add(path, `${name} must be at least ${MIN_CLIENT_SECRET_LENGTH} characters`);
    return undefined;
  }
  return secret;
}

function grantTypes(value: unknown, path: string, issues: Issues): DevAuthGrantType[] {
  const list = stringList(value, path, issues);
  if (list.length === 0) issues.add(path, `must list at least one of ${DEV_AUTH_GRANT_TYPES.join(', ')}`);
  const known = list.filter((g): g is DevAuthGrantType =>
    (DEV_AUTH_GRANT_TYPES as readonly string[]).includes(g),
  );
  for (const g of list)
    if (!known.includes(g as DevAuthGrantType)) issues.add(path, `unknown grant type ${JSON.stringify(g)}`);
  return known;
}

function redirectUris(value: unknown, path: string, issues: Issues): string[] {
  const list = stringList(value, path, issues);
  list.forEach((uri, index) => {
    const url = parseUrl(uri);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || uri.includes('#'))
      issues.add(
        `${path}[${index}]`,
        `must be an absolute http(s) URL without a fragment (got ${JSON.stringify(uri)})`,
      );
  });
  return list;
}

function authMethod(value: unknown, path: string, issues: Issues): DevAuthClientAuthMethod | undefined {
  if (value === undefined) return undefined;
  if (AUTH_METHODS.includes(value as DevAuthClientAuthMethod)) return value as DevAuthClientAuthMethod;
  issues.add(path, `must be one of ${AUTH_METHODS.join(', ')}`);
  return undefined;
}

interface ClientContext {
  readonly env: DevAuthEnv;
  readonly scopes: readonly string[];
  readonly issues: Issues;
}

function clientRules(client: DevAuthClient, hasRef: boolean, path: string, issues: Issues): void {
  const method = client.token_endpoint_auth_method;
  if (client.grant_types.includes('client_credentials') && (!hasRef || method === 'none'))
    issues.add(path, 'client_credentials needs a client_secret_ref (a confidential client)');
  if (method === 'none' && hasRef)
    issues.add(`${path}.token_endpoint_auth_method`, 'is none but a secret is set');
  if (client.grant_types.includes('authorization_code') && (client.redirect_uris ?? []).length === 0)
    issues.add(`${path}.redirect_uris`, 'must list at least one URI for authorization_code');
}

function parseClient(value: unknown, path: string, ctx: ClientContext): DevAuthClient | undefined {
  const { issues } = ctx;
  if (!isObject(value)) {
    issues.add(path, 'must be an object { client_id, roles, scopes, grant_types, ... }');
    return undefined;
  }
  unknownKeys(value, CLIENT_KEYS, path, issues);
  if ('client_secret' in value)
    issues.add(`${path}.client_secret`, 'literal secrets are refused: use client_secret_ref "env:NAME"');
  if (typeof value.client_id !== 'string' || !CLIENT_ID.test(value.client_id)) {
    issues.add(
      `${path}.client_id`,
      `must match ${CLIENT_ID.source} (got ${JSON.stringify(value.client_id)})`,
    );
    return undefined;
  }
  const scopes =
    value.scopes === undefined ? [...ctx.scopes] : stringList(value.scopes, `${path}.scopes`, issues, SCOPE);
  for (const scope of scopes)
    if (!ctx.scopes.includes(scope))
      issues.add(`${path}.scopes`, `${JSON.stringify(scope)} is not in the top-level scopes`);
  const secret = resolveSecret(value.client_secret_ref, `${path}.client_secret_ref`, ctx.env, issues);
  const method = authMethod(value.token_endpoint_auth_method, `${path}.token_endpoint_auth_method`, issues);
  const client: DevAuthClient = {
    client_id: value.client_id,
    ...(secret === undefined ? {} : { client_secret: secret }),
    roles: stringList(value.roles, `${path}.roles`, issues),
    scopes,
    grant_types: grantTypes(value.grant_types, `${path}.grant_types`, issues),
    redirect_uris: redirectUris(value.redirect_uris, `${path}.redirect_uris`, issues),
    ...(method === undefined ? {} : { token_endpoint_auth_method: method }),
  };
  clientRules(client, value.client_secret_ref !== undefined, path, issues);
  return client;
}

function duplicates(values: readonly string[], path: string, what: string, issues: Issues): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) issues.add(path, `duplicate ${what} ${JSON.stringify(value)}`);
    seen.add(value);
  }
}

function list(value: unknown, path: string, issues: Issues): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  issues.add(path, 'must be an array');
  return [];
}

function resources(value: unknown, issues: Issues): string[] {
  const out = stringList(value, 'resources', issues);
  out.forEach((resource, index) => {
    const url = parseUrl(resource);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || resource.includes('#'))
      issues.add(
        `resources[${index}]`,
        `must be an absolute http(s) URL without a fragment (got ${JSON.stringify(resource)})`,
      );
  });
  return out;
}

/**
 * Validates a parsed `config/dev-auth.json` document and resolves each client's `client_secret_ref`
 * (`env:NAME`) from `env`. Literal `client_secret` values are refused.
 * @param source names the document in messages (a path).
 * @throws DevAuthError `DEV_AUTH_CONFIG_INVALID` listing every issue with its JSON path (never a secret value).
 */
export function parseDevAuthConfig(
  value: unknown,
  source: string,
  env: DevAuthEnv = process.env,
): DevAuthConfig {
  const issues = new Issues();
  if (!isObject(value))
    throw configError(source, ['(document): must be a JSON object { users, clients, scopes }']);
  unknownKeys(value, TOP_KEYS, '', issues);
  const scopes = stringList(value.scopes, 'scopes', issues, SCOPE);
  if (scopes.length === 0) issues.add('scopes', 'must list at least one scope');
  const users = list(value.users, 'users', issues).flatMap(
    (u, i) => parseUser(u, `users[${i}]`, issues) ?? [],
  );
  const ctx: ClientContext = { env, scopes, issues };
  const clients = list(value.clients, 'clients', issues).flatMap(
    (c, i) => parseClient(c, `clients[${i}]`, ctx) ?? [],
  );
  duplicates(
    users.map((u) => u.sub),
    'users',
    'sub',
    issues,
  );
  duplicates(
    clients.map((c) => c.client_id),
    'clients',
    'client_id',
    issues,
  );
  const config: DevAuthConfig = { users, clients, scopes, resources: resources(value.resources, issues) };
  if (issues.list.length > 0) throw configError(source, issues.list);
  return config;
}

function configError(source: string, issues: readonly string[]): DevAuthError {
  return new DevAuthError(
    DEV_AUTH_ERROR_CODES.CONFIG_INVALID,
    `dev-auth config ${source} is invalid: ${issues.join('; ')}`,
  );
}

/**
 * Reads, validates and resolves a dev-auth configuration file (see {@link parseDevAuthConfig}).
 * @throws DevAuthError `DEV_AUTH_CONFIG_NOT_FOUND` (unreadable, naming the path and errno code) or
 *   `DEV_AUTH_CONFIG_INVALID` (not JSON, or invalid).
 */
export async function loadDevAuthConfig(path: string, env: DevAuthEnv = process.env): Promise<DevAuthConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const errno = (cause as NodeJS.ErrnoException).code ?? 'EIO';
    throw new DevAuthError(
      DEV_AUTH_ERROR_CODES.CONFIG_NOT_FOUND,
      `dev-auth config ${path} cannot be read (${errno})`,
      { cause },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : 'invalid JSON';
    throw new DevAuthError(
      DEV_AUTH_ERROR_CODES.CONFIG_INVALID,
      `dev-auth config ${path} is not JSON (${reason})`,
      { cause },
    );
  }
  return parseDevAuthConfig(value, path, env);
}
