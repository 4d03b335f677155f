import {
  buildOAuthProtectedResourceMetadata,
  getOAuthProtectedResourceMetadataUrl,
  type OAuthMetadata,
  type OAuthProtectedResourceMetadata,
} from '@modelcontextprotocol/server';
import type { FastifyInstance, FastifyPluginCallback, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { authorizationServerMetadata, type AuthorizationServer, type MetadataSource } from './as-metadata.js';
import { PUBLIC_SCOPE } from './auth.js';
import { OAuthConfigError, UnknownResourceError } from './errors.js';
import { isLoopbackHost } from './host-origin.js';

/** Plugin name of {@link protectedResourcePlugin}. */
export const PROTECTED_RESOURCE_PLUGIN_NAME = 'brainwav-protected-resource';

/** A family of resources under one path prefix, one per id (`/mcp/connectors/<id>`). */
export interface DynamicResource {
  /** The prefix, e.g. `/mcp/connectors`: documents at `/.well-known/oauth-protected-resource/mcp/connectors/:id`. */
  readonly prefix: string;
  /** Whether `id` exists; an unknown id answers 404 `NOT_FOUND`. */
  readonly knows: (id: string) => boolean;
  /** `scopes_supported` of that resource (a connector's scopes); default the plugin's. */
  readonly scopesOf?: (id: string) => readonly string[] | undefined;
}

/** Options of {@link protectedResourcePlugin}. */
export interface ProtectedResourceOptions {
  /** The authorization server (`OAUTH_ISSUER`); its metadata is fetched lazily when not given. */
  readonly authorizationServer: AuthorizationServer;
  /** The canonical external base URL (`CONNECTORS_PUBLIC_URL`). */
  readonly baseUrl: URL;
  /** Resource paths with a path-suffixed document each, e.g. `["/mcp", "/v1/connectors"]`. */
  readonly resources?: readonly string[];
  /** Resource families with one document per id. */
  readonly dynamicResources?: readonly DynamicResource[];
  /** The resource `/.well-known/oauth-protected-resource` itself describes (a path); default `/` (the base URL). */
  readonly defaultResource?: string;
  /** `scopes_supported`; default the authorization server's `scopes_supported`. */
  readonly scopesSupported?: readonly string[];
  /** `resource_name`, default `brAInwav connectors`. */
  readonly resourceName?: string;
  /** `resource_documentation`. */
  readonly serviceDocumentationUrl?: URL;
  /** `Cache-Control: max-age` of the documents (seconds), default 300. */
  readonly maxAgeSeconds?: number;
  /** Fetch for the authorization server metadata; default the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** The RFC 9728 document with `bearer_methods_supported` (the SDK builder leaves it out). */
export type ProtectedResourceDocument = OAuthProtectedResourceMetadata & {
  readonly bearer_methods_supported: readonly string[];
};

/** `path` under `baseUrl` (its own path kept as a prefix), without query or fragment: a resource URL. */
export function resourceUrl(baseUrl: URL, path: string): URL {
  const url = new URL(baseUrl.href);
  const base = url.pathname.replace(/\/$/, '');
  url.pathname =
    path === '/' || path === '' ? base || '/' : `${base}${path.startsWith('/') ? '' : '/'}${path}`;
  url.search = '';
  url.hash = '';
  return url;
}

/**
 * The RFC 9728 metadata URL of the resource at `path` under `baseUrl` (the SDK's
 * `getOAuthProtectedResourceMetadataUrl`): `https://h/.well-known/oauth-protected-resource/mcp` for `/mcp`.
 * What a 401's `resource_metadata` names.
 */
export function resourceMetadataUrl(baseUrl: URL, path: string): string {
  return getOAuthProtectedResourceMetadataUrl(resourceUrl(baseUrl, path));
}

const routeOf = (baseUrl: URL, path: string): string => new URL(resourceMetadataUrl(baseUrl, path)).pathname;

function checkOptions(options: ProtectedResourceOptions): void {
  const paths = [...(options.resources ?? []), ...(options.dynamicResources ?? []).map((d) => d.prefix)];
  const bad = paths.find(
    (p) => !/^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(p) || p.includes('//') || p.endsWith('/'),
  );
  if (bad !== undefined)
    throw new OAuthConfigError('resources', `entry ${JSON.stringify(bad)} is not a path like /mcp`);
  if (!/^https?:$/.test(options.baseUrl.protocol))
    throw new OAuthConfigError('baseUrl', 'must be an http(s) URL');
}

interface DocumentBuilder {
  (resource: URL, scopes?: readonly string[]): Promise<ProtectedResourceDocument>;
}

/** Builds documents with the SDK builder; the AS metadata is awaited only for what it supplies. */
function documentBuilder(options: ProtectedResourceOptions, source: MetadataSource): DocumentBuilder {
  const { issuer } = options.authorizationServer;
  const insecureOk = isLoopbackHost(new URL(issuer).hostname);
  const fallback = { issuer } as OAuthMetadata;
  buildOAuthProtectedResourceMetadata({
    oauthMetadata: fallback,
    resourceServerUrl: options.baseUrl,
    dangerouslyAllowInsecureIssuerUrl: insecureOk,
  }); // fail fast on a bad issuer
  return async (resource, scopes) => {
    const configured = scopes ?? options.scopesSupported;
    const metadata = configured ? fallback : await source.get().catch(() => fallback);
    const supported = configured ?? metadata.scopes_supported;
    const document = buildOAuthProtectedResourceMetadata({
      oauthMetadata: metadata,
      resourceServerUrl: resource,
      ...(supported && { scopesSupported: [...supported] }),
      resourceName: options.resourceName ?? 'brAInwav connectors',
      ...(options.serviceDocumentationUrl && { serviceDocumentationUrl: options.serviceDocumentationUrl }),
      dangerouslyAllowInsecureIssuerUrl: insecureOk,
    });
    return { ...document, bearer_methods_supported: ['header'] };
  };
}

const CORS_METHODS = 'GET, HEAD, OPTIONS';

function preflight(reply: FastifyReply, requestedHeaders: string | undefined): FastifyReply {
  void reply
    .code(204)
    .header('access-control-allow-origin', '*')
    .header('access-control-allow-methods', CORS_METHODS);
  if (requestedHeaders)
    void reply
      .header('access-control-allow-headers', requestedHeaders)
      .header('vary', 'Access-Control-Request-Headers');
  return reply.send();
}

function register(app: FastifyInstance, options: ProtectedResourceOptions): void {
  checkOptions(options);
  const source = authorizationServerMetadata(options.authorizationServer, {
    ...(options.fetch && { fetch: options.fetch }),
  });
  const build = documentBuilder(options, source);
  const cacheControl = `max-age=${options.maxAgeSeconds ?? 300}`;
  const config = { auth: PUBLIC_SCOPE, anyOrigin: true };
  const serve = (
    path: string,
    document: (params: Record<string, string>) => Promise<ProtectedResourceDocument>,
  ) => {
    app.get(path, { config }, async (request, reply) => {
      void reply.header('access-control-allow-origin', '*');
      const body = await document(request.params as Record<string, string>);
      return reply.header('cache-control', cacheControl).type('application/json').send(body);
    });
    app.options(path, { config }, (request, reply) =>
      preflight(reply, request.headers['access-control-request-headers']),
    );
  };
  const { baseUrl } = options;
  const defaultPath = options.defaultResource ?? '/';
  serve('/.well-known/oauth-protected-resource', () => build(resourceUrl(baseUrl, defaultPath)));
  for (const path of options.resources ?? [])
    if (path !== '/') serve(routeOf(baseUrl, path), () => build(resourceUrl(baseUrl, path)));
  for (const family of options.dynamicResources ?? [])
    serve(routeOf(baseUrl, `${family.prefix}/:id`), async ({ id = '' }) => {
      const path = `${family.prefix}/${encodeURIComponent(id)}`;
      if (!family.knows(id)) throw new UnknownResourceError(path);
      return build(resourceUrl(baseUrl, path), family.scopesOf?.(id));
    });
}

const plugin: FastifyPluginCallback<ProtectedResourceOptions> = (app, options, done) => {
  try {
    register(app, options);
    done();
  } catch (error) {
    done(error as Error);
  }
};

/**
 * Fastify plugin `brainwav-protected-resource`: the OAuth 2.0 Protected Resource Metadata documents
 * (RFC 9728) of this server, built with the MCP SDK's `buildOAuthProtectedResourceMetadata` plus
 * `bearer_methods_supported: ["header"]`: `/.well-known/oauth-protected-resource` (the default
 * resource), the path-suffixed form for each of `resources` (`/.well-known/oauth-protected-resource/mcp`)
 * and for each id of `dynamicResources` (`…/mcp/connectors/:id`, 404 `NOT_FOUND` for an id `knows`
 * refuses). Public routes (`config.auth: "public"`), readable from any origin (`Access-Control-Allow-Origin: *`,
 * `config.anyOrigin` so the host guard checks only Host; preflight answered), `Cache-Control: max-age=300`.
 * Without `scopesSupported`, the authorization server's metadata is fetched lazily (RFC 8414, then
 * OpenID discovery; cached) for its `scopes_supported`; while it is unreachable documents are served
 * without it. The issuer must be https (http only on a loopback host): `AUTH_CONFIG_INVALID` otherwise.
 */
export const protectedResourcePlugin = fp(plugin, { name: PROTECTED_RESOURCE_PLUGIN_NAME, fastify: '5.x' });
