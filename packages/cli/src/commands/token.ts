import { existsSync } from 'node:fs';
import {
  intOption,
  parseCommandArgs,
  requiredOption,
  stringOption,
  usageError,
  type ParsedArgs,
} from '../args.js';
import { commandEnv, present, resolvePath, type Command, type CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { DEFAULT_FETCH_TIMEOUT_MS, displayUrl } from '../fetch-map.js';
import type { CliEnv } from '../io.js';

/** Issuer of `token` without `--issuer` and `OAUTH_ISSUER`: the local dev authorization server. */
export const DEFAULT_TOKEN_ISSUER = 'http://127.0.0.1:7072';

/** Connectors server base of the default resource without `CONNECTORS_PUBLIC_URL`. */
export const DEFAULT_CONNECTORS_BASE = 'http://127.0.0.1:7071';

/** The dotenv file `token` reads missing variables from (in the working directory) without `--env-file`. */
export const DEFAULT_TOKEN_ENV_FILE = '.env.local';

const OPTIONS = {
  client: { type: 'string' },
  secret: { type: 'string' },
  issuer: { type: 'string' },
  resource: { type: 'string' },
  scope: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  'env-file': { type: 'string' },
} as const;

/** The variable holding a dev-auth client's secret: `DEV_AUTH_CLIENT_<ID>_SECRET` (upper case, `-` → `_`). */
export function clientSecretVar(clientId: string): string {
  return `DEV_AUTH_CLIENT_${clientId.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_SECRET`;
}

/** A failure of the grant: discovery, network, or the token endpoint's answer (code `TOKEN_FAILED`, exit 1). */
function tokenError(message: string, cause?: unknown): CliError {
  return new CliError('TOKEN_FAILED', `token: ${message}`, cause === undefined ? undefined : { cause });
}

/** `text` as an absolute http(s) URL without query or fragment (trailing slashes dropped), or a usage/config error. */
function httpUrl(text: string, what: string, fromOption: boolean): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash)
    return url.href.replace(/\/+$/, '');
  const reason = `${what} must be an absolute http(s) URL without query or fragment`;
  if (fromOption) throw usageError('token', reason);
  throw new CliError('CONFIG_INVALID', `token: ${reason}`);
}

interface TokenRequest {
  readonly clientId: string;
  readonly secret: string;
  readonly issuer: string;
  readonly resource: string;
  readonly scope: string | undefined;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

function secretOf(clientId: string, option: string | undefined, env: CliEnv): string {
  const secret = option ?? present(env, clientSecretVar(clientId));
  if (secret !== undefined) return secret;
  throw new CliError(
    'TOKEN_SECRET_MISSING',
    `token: no client secret for ${clientId}: pass --secret, set ${clientSecretVar(clientId)}, or let npm start generate it into ${DEFAULT_TOKEN_ENV_FILE}`,
  );
}

async function tokenEnv(ctx: CommandContext, envFile: string | undefined): Promise<CliEnv> {
  if (envFile !== undefined) return commandEnv(ctx, envFile);
  const fallback = resolvePath(ctx, DEFAULT_TOKEN_ENV_FILE);
  return existsSync(fallback) ? commandEnv(ctx, fallback) : ctx.io.env;
}

function request(ctx: CommandContext, env: CliEnv, parsed: ParsedArgs): TokenRequest {
  const clientId = requiredOption('token', parsed, 'client');
  const issuerOption = stringOption(parsed, 'issuer');
  const resourceOption = stringOption(parsed, 'resource');
  const issuer = issuerOption
    ? httpUrl(issuerOption, '--issuer', true)
    : httpUrl(present(env, 'OAUTH_ISSUER') ?? DEFAULT_TOKEN_ISSUER, 'OAUTH_ISSUER', false);
  const base = httpUrl(
    present(env, 'CONNECTORS_PUBLIC_URL') ?? DEFAULT_CONNECTORS_BASE,
    'CONNECTORS_PUBLIC_URL',
    false,
  );
  const resource = resourceOption ? httpUrl(resourceOption, '--resource', true) : `${base}/mcp`;
  const scope = stringOption(parsed, 'scope')?.trim().split(/\s+/).filter(Boolean).join(' ');
  return {
    clientId,
    secret: secretOf(clientId, stringOption(parsed, 'secret'), env),
    issuer,
    resource,
    scope: scope === '' ? undefined : scope,
    timeoutMs: intOption('token', parsed, 'timeout', 1) ?? DEFAULT_FETCH_TIMEOUT_MS,
    fetch: ctx.io.fetch ?? fetch,
  };
}

function reachError(url: string, error: unknown, timeoutMs: number): CliError {
  const err = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  const reason =
    err.name === 'TimeoutError'
      ? `timed out after ${timeoutMs} ms`
      : (err.cause?.code ?? err.cause?.message ?? err.message ?? 'network error');
  return tokenError(`could not reach ${url} (${reason})`, error);
}

async function getJson(req: TokenRequest, url: string): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await req.fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (error) {
    throw reachError(url, error, req.timeoutMs);
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: undefined };
  }
}

/** The metadata URLs of `issuer`: RFC 8414 first (path-aware), then OpenID Connect discovery. */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname;
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${issuer}/.well-known/openid-configuration`,
  ];
}

interface Metadata {
  readonly issuer: string;
  readonly token_endpoint: string;
  readonly token_endpoint_auth_methods_supported?: readonly string[];
}

async function discover(req: TokenRequest): Promise<Metadata> {
  const tried: string[] = [];
  for (const url of metadataUrls(req.issuer)) {
    const { status, body } = await getJson(req, url);
    const meta = body as Partial<Metadata> | undefined;
    if (status === 200 && typeof meta?.token_endpoint === 'string') {
      if (typeof meta.issuer !== 'string' || meta.issuer.replace(/\/+$/, '') !== req.issuer)
        throw tokenError(
          `the metadata at ${url} names issuer ${JSON.stringify(meta.issuer)}, not ${req.issuer}`,
        );
      return meta as Metadata;
    }
    tried.push(`${url} HTTP ${status}`);
  }
  throw tokenError(`no authorization server metadata for ${req.issuer} (${tried.join(', ')})`);
}

/** RFC 6749 §2.3.1: the client id and secret are form-encoded before Basic encoding. */
function basic(clientId: string, secret: string): string {
  const encode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

function grantBody(req: TokenRequest, post: boolean): URLSearchParams {
  const body = new URLSearchParams({ grant_type: 'client_credentials', resource: req.resource });
  if (req.scope !== undefined) body.set('scope', req.scope);
  if (post) {
    body.set('client_id', req.clientId);
    body.set('client_secret', req.secret);
  }
  return body;
}

function refusal(req: TokenRequest, status: number, body: unknown): CliError {
  const answer = body as { error?: unknown; error_description?: unknown } | undefined;
  const code = typeof answer?.error === 'string' ? ` ${answer.error}` : '';
  const description =
    typeof answer?.error_description === 'string'
      ? ` (${answer.error_description.replace(/^brAInwav: /, '')})`
      : '';
  return tokenError(
    `${req.issuer} refused the client credentials grant for ${req.clientId}: HTTP ${status}${code}${description}`,
  );
}

async function requestToken(req: TokenRequest, meta: Metadata): Promise<Record<string, unknown>> {
  const methods = meta.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  const post = !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  if (!post) headers.authorization = basic(req.clientId, req.secret);
  let response: Response;
  try {
    response = await req.fetch(meta.token_endpoint, {
      method: 'POST',
      headers,
      body: grantBody(req, post),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (error) {
    throw reachError(displayUrl(new URL(meta.token_endpoint)), error, req.timeoutMs);
  }
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = undefined;
  }
  if (!response.ok) throw refusal(req, response.status, body);
  const token = body as Record<string, unknown> | undefined;
  if (typeof token?.access_token !== 'string' || token.access_token === '')
    throw tokenError(`${displayUrl(new URL(meta.token_endpoint))} answered without an access_token`);
  return token;
}

/**
 * `token --client <id> [--secret s] [--issuer url] [--resource url] [--scope "a b"] [--json] [--timeout ms]
 * [--env-file f]`: an OAuth client-credentials grant against the issuer's token endpoint (discovered through
 * RFC 8414, then OpenID discovery; the metadata's issuer must match). Prints only the access token (so
 * `$(cortex-connectors token --client dev-admin)` works), or with `--json` the whole token response.
 * Defaults: issuer `OAUTH_ISSUER` or `http://127.0.0.1:7072`; resource `CONNECTORS_PUBLIC_URL` + `/mcp` or
 * `http://127.0.0.1:7071/mcp`; secret `--secret`, else `DEV_AUTH_CLIENT_<ID>_SECRET` from the environment,
 * else from `.env.local` in the working directory. Resolves to 0; `TOKEN_SECRET_MISSING`, `TOKEN_FAILED`
 * (HTTP, network, metadata) and `CONFIG_INVALID` exit 1; usage errors 64. The secret is never printed.
 */
export const tokenCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs('token', args, OPTIONS, { min: 0, max: 0 });
  const env = await tokenEnv(ctx, stringOption(parsed, 'env-file'));
  const req = request(ctx, env, parsed);
  ctx.out.secret(req.secret);
  const token = await requestToken(req, await discover(req));
  if (parsed.values.json === true) ctx.out.out(JSON.stringify(token, null, 2));
  else ctx.out.out(token.access_token as string);
  return EXIT.OK;
};
