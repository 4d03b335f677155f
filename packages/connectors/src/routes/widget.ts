import { extname } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_PLUGIN_NAME } from '@cortex-os/server-kit';
import { cachedBundleCheck, type BundleState } from '../bundle.js';
import { cachedBundleCsp, strictCsp, type BundleCsp } from '../csp.js';
import { TROUBLESHOOTING_CSP, troubleshootingPage } from '../troubleshooting.js';

/** URL prefix of the hosted widget. */
export const WIDGET_PREFIX = '/apps/chatgpt-dashboard/';

/** Options of {@link widgetRoutes}. */
export interface WidgetRoutesOptions {
  /** Built bundle directory (`apps/chatgpt-dashboard/dist`). */
  readonly distDir: string;
  /** Widget source directory; a bundle built from other sources is stale. */
  readonly srcDir: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** CSP of an HTML page `csp.json` does not list (no inline block allowed) and of every other asset. */
const PAGE_CSP = strictCsp();
const ASSET_CSP = "default-src 'none'";
/** What @fastify/send may do: no directory index, no dotfiles, our cache-control (set in `setHeaders`). */
const SEND_OPTIONS = { cacheControl: false, dotfiles: 'ignore', index: false } as const;

function secure(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin');
}

/** Content type and cache policy of a served file: html `no-cache`, hashed js immutable, the rest 5 minutes. */
function setHeaders(reply: FastifyReply, path: string): void {
  const type = TYPES[extname(path)];
  if (type) reply.header('content-type', type);
  const cache = type?.startsWith('text/html')
    ? 'no-cache'
    : /\.[0-9a-f]{8}\.js$/.test(path)
      ? 'public, max-age=31536000, immutable'
      : 'public, max-age=300';
  reply.header('cache-control', cache);
}

/**
 * The bundle-relative file a (once-decoded) wildcard names, or undefined when it is not a plain relative path:
 * NUL, backslashes and empty, `.` or `..` segments are refused (404), so nothing escapes `distDir`.
 */
export function widgetFile(param: string): string | undefined {
  const rel = param === '' ? 'index.html' : param;
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  return rel.split('/').some((s) => s === '' || s === '.' || s === '..') ? undefined : rel;
}

function unavailable(reply: FastifyReply, state: Exclude<BundleState, { ok: true }>): FastifyReply {
  return secure(reply, TROUBLESHOOTING_CSP)
    .code(503)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(troubleshootingPage(state));
}

const plugin: FastifyPluginAsync<WidgetRoutesOptions> = async (app, options) => {
  const check = cachedBundleCheck(options.distDir, options.srcDir, 'index.html');
  const cspOf = cachedBundleCsp(options.distDir);
  const open = { config: { auth: 'public' as const } };

  app.get('/apps/chatgpt-dashboard', open, async (_request, reply) => reply.redirect(WIDGET_PREFIX, 308));

  // @fastify/static in its own scope: `reply.sendFile` stays private to the widget route
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { serve: false, setHeaders });
    scope.get('/apps/chatgpt-dashboard/*', open, async (request, reply) => {
      const state = await check();
      if (!state.ok) return unavailable(reply, state);
      const rel = widgetFile((request.params as { '*': string })['*']);
      if (!rel) return reply.callNotFound();
      let csp: BundleCsp;
      try {
        csp = await cspOf(state.build);
      } catch (error) {
        return unavailable(reply, { ok: false, reason: 'stale', detail: (error as Error).message });
      }
      const html = extname(rel) === '.html';
      secure(reply, html ? (csp.get(rel) ?? PAGE_CSP) : ASSET_CSP);
      return reply.sendFile(rel, options.distDir, SEND_OPTIONS);
    });
  });
};

/**
 * Hosts the built dashboard at `/apps/chatgpt-dashboard/` with `@fastify/static` (no key: static assets carry
 * no data) and a strict CSP: same-origin scripts/styles/connections plus the hashes of the page's inline blocks,
 * which the widget build writes to `dist/csp.json` (read once per bundle build, never hashed per request).
 * When the bundle is missing, stale or has no `csp.json`, every path answers the branded HTTP 503
 * troubleshooting page naming the rebuild command.
 */
export const widgetRoutes = fp(plugin, {
  name: 'connectors-widget',
  fastify: '5.x',
  dependencies: [AUTH_PLUGIN_NAME],
});
