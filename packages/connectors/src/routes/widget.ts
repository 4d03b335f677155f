import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { cachedBundleCheck, strictCsp } from '../bundle.js';
import { troubleshootingPage } from '../troubleshooting.js';

/** URL prefix of the hosted widget. */
export const WIDGET_PREFIX = '/apps/chatgpt-dashboard/';

/** Options of {@link widgetRoutes}. */
export interface WidgetRoutesOptions {
  /** Built bundle directory (`apps/chatgpt-dashboard/dist`). */
  readonly distDir: string;
  /** Widget source directory; a newer file here makes the bundle stale. */
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

function secure(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin');
}

/** Resolves `rel` inside `root`, or undefined when it escapes it. */
function inside(root: string, rel: string): string | undefined {
  const full = normalize(join(root, rel));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : undefined;
}

const plugin: FastifyPluginCallback<WidgetRoutesOptions> = (app, options, done) => {
  const check = cachedBundleCheck(options.distDir, options.srcDir, 'index.html');
  const open = { config: { auth: 'public' as const } };

  app.get('/apps/chatgpt-dashboard', open, async (_request, reply) => reply.redirect(WIDGET_PREFIX, 308));

  app.get('/apps/chatgpt-dashboard/*', open, async (request, reply) => {
    const rel = decodeURIComponent((request.params as { '*': string })['*'] || 'index.html');
    const state = await check();
    if (!state.ok) {
      const html = troubleshootingPage(state);
      return secure(reply, strictCsp(html))
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(html);
    }
    const file = rel.includes('\0') ? undefined : inside(options.distDir, rel);
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) return reply.callNotFound();
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const isHtml = type.startsWith('text/html');
    const immutable = /\.[0-9a-f]{8}\.js$/.test(file);
    return secure(reply, isHtml ? strictCsp(body.toString('utf8')) : "default-src 'none'")
      .header(
        'cache-control',
        isHtml ? 'no-cache' : immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      )
      .type(type)
      .send(body);
  });
  done();
};

/**
 * Hosts the built dashboard at `/apps/chatgpt-dashboard/` (no key: static assets carry no data) with a
 * strict CSP (same-origin scripts/styles/connections plus hashes of the page's inline blocks, no framing).
 * When `index.html` is missing or older than the newest widget source file, every path answers the
 * branded HTTP 503 troubleshooting page naming the rebuild command.
 */
export const widgetRoutes = fp(plugin, {
  name: 'connectors-widget',
  fastify: '5.x',
  dependencies: ['connectors-auth'],
});
