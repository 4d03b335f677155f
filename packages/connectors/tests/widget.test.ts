import { createHash } from 'node:crypto';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { rawGet } from '@cortex-os/server-kit/testing';
import {
  TROUBLESHOOTING_CSP,
  WIDGET_BUILD_COMMAND,
  checkBundle,
  parseBundleCsp,
  sha256Source,
} from '../src/index.js';
import { TROUBLESHOOTING_STYLE } from '../src/troubleshooting.js';
import { connector, removeDir, startWidgetApp, widgetDirs } from './helpers.js';

describe('widget hosting at /apps/chatgpt-dashboard/', () => {
  let app: FastifyInstance | undefined;
  let root: string | undefined;
  afterEach(async () => {
    await app?.close();
    if (root) await removeDir(root);
  });

  async function serve(state: 'fresh' | 'missing' | 'stale'): Promise<FastifyInstance> {
    const dirs = await widgetDirs(state);
    root = dirs.root;
    app = await startWidgetApp(dirs, [connector('x', 'http://127.0.0.1:9/mcp')]);
    return app;
  }

  it('serves the bundle without a key, with a strict CSP', async () => {
    const a = await serve('fresh');
    const index = await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.body).toContain('<div id=root>');
    const csp = String(index.headers['content-security-policy']);
    const styleHash = createHash('sha256').update('body{color:red}').digest('base64');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'self' 'sha256-${styleHash}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const js = await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/main.0123abcd.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard' })).statusCode).toBe(308);
    expect((await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/nope.js' })).statusCode).toBe(404);
    expect(
      (await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/..%2f..%2fsrc%2fmain.tsx' })).statusCode,
    ).toBe(404);
  });

  it('answers a branded 503 troubleshooting page naming the rebuild command when the bundle is missing', async () => {
    const a = await serve('missing');
    const res = await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('brAInwav: the dashboard bundle is not built');
    expect(res.body).toContain(WIDGET_BUILD_COMMAND);
    expect(WIDGET_BUILD_COMMAND).toBe('npx -y pnpm@10.34.8 --filter @cortex-os/chatgpt-dashboard run build');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
  });

  it('answers the troubleshooting page when the bundle was built from other sources', async () => {
    const a = await serve('stale');
    const res = await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/index.html' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('the dashboard bundle is out of date');
    expect(res.body).toContain('was built from other sources than');
    expect(res.body).toContain(WIDGET_BUILD_COMMAND);
  });

  it('judges freshness by content, not mtimes: an old bundle of the current source is served', async () => {
    const dirs = await widgetDirs('fresh');
    root = dirs.root;
    await utimes(join(dirs.dist, 'index.html'), new Date(0), new Date(0));
    app = await startWidgetApp(dirs, [connector('x', 'http://127.0.0.1:9/mcp')]);
    expect((await app.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/' })).statusCode).toBe(200);
  });

  it('treats a bundle without build-info.json as stale', async () => {
    const dirs = await widgetDirs('fresh');
    root = dirs.root;
    await writeFile(join(dirs.dist, 'build-info.json'), '{}');
    expect(await checkBundle(dirs.dist, dirs.src, 'index.html')).toMatchObject({
      ok: false,
      reason: 'stale',
    });
    expect(await checkBundle(dirs.dist, join(dirs.root, 'no-src'), 'index.html')).toMatchObject({ ok: true });
  });

  it('answers a branded 404, not 500, for /apps/chatgpt-dashboard/%25 (the path is decoded once)', async () => {
    const a = await serve('fresh');
    for (const url of [
      '/apps/chatgpt-dashboard/%25',
      '/apps/chatgpt-dashboard/%2525',
      '/apps/chatgpt-dashboard/a%25b.js',
    ]) {
      const res = await a.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ brand: 'brAInwav', error: { code: 'NOT_FOUND' } });
    }
  });

  it('answers 404 for every encoded path escape and NUL, never a file outside dist', async () => {
    const a = await serve('fresh');
    const escapes = [
      '/apps/chatgpt-dashboard/%2e%2e/src/main.tsx',
      '/apps/chatgpt-dashboard/%2e%2e%2fsrc%2fmain.tsx',
      '/apps/chatgpt-dashboard/%2E%2E/%2E%2E/src/main.tsx',
      '/apps/chatgpt-dashboard/%252e%252e/src/main.tsx',
      '/apps/chatgpt-dashboard/..%5csrc%5cmain.tsx',
      '/apps/chatgpt-dashboard/.%2findex.html',
      '/apps/chatgpt-dashboard/index.html%00.js',
      '/apps/chatgpt-dashboard/%2fetc%2fpasswd',
    ];
    // over a real socket: inject() would normalize `%2e%2e` away before the router sees it
    const base = await a.listen({ port: 0, host: '127.0.0.1' });
    for (const url of escapes) {
      const res = await rawGet(Number(new URL(base).port), url);
      expect(res.status, url).toBe(404);
      expect(JSON.parse(res.body), url).toMatchObject({ brand: 'brAInwav', error: { code: 'NOT_FOUND' } });
    }
  });

  it('sends the CSP computed by the build from csp.json, the security headers and the cache policy', async () => {
    const a = await serve('fresh');
    const index = await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/index.html' });
    expect(index.statusCode).toBe(200);
    const styleHash = createHash('sha256').update('body{color:red}').digest('base64');
    expect(index.headers['content-security-policy']).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self' 'sha256-${styleHash}'; img-src 'self' data:; ` +
        "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " +
        "object-src 'none'",
    );
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(index.headers['cross-origin-resource-policy']).toBe('same-origin');
    const js = await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/main.0123abcd.js' });
    expect(js.headers['content-security-policy']).toBe("default-src 'none'");
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const info = await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/build-info.json' });
    expect(info.headers['cache-control']).toBe('public, max-age=300');
    expect(info.headers['content-type']).toMatch(/^application\/json/);
    const mcp = await a.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/mcp-app.html' });
    expect(mcp.headers['content-security-policy']).toContain("script-src 'self'; style-src 'self';");
  });

  it('never hashes HTML per request: the header follows csp.json of the current build, not the file on disk', async () => {
    const a = await serve('fresh');
    const url = '/apps/chatgpt-dashboard/';
    const first = await a.inject({ method: 'GET', url });
    const page = (style: string): string =>
      `<!doctype html><html><head><style>${style}</style></head><body><div id=root></div></body></html>`;
    // the page changes on disk without a rebuild marker: served as it is, same header
    await writeFile(join(root!, 'dist', 'index.html'), page('body{color:blue}'));
    const second = await a.inject({ method: 'GET', url });
    expect(second.body).toContain('body{color:blue}');
    expect(second.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
    expect(second.headers['content-security-policy']).not.toContain(sha256Source('body{color:blue}'));
    // a rebuild (new csp.json and a new build-info.json) is picked up once the bundle check expires
    await writeFile(
      join(root!, 'dist', 'csp.json'),
      JSON.stringify({ 'index.html': { script: [], style: [sha256Source('body{color:blue}')] } }),
    );
    const info = JSON.parse(await readFile(join(root!, 'dist', 'build-info.json'), 'utf8')) as object;
    await writeFile(
      join(root!, 'dist', 'build-info.json'),
      JSON.stringify({ ...info, builtAt: '2026-11-23T00:00:00.000Z' }),
    );
    await vi.waitFor(
      async () => {
        const res = await a.inject({ method: 'GET', url });
        expect(res.headers['content-security-policy']).toContain(sha256Source('body{color:blue}'));
      },
      { timeout: 6_000, interval: 250 },
    );
  });

  it('treats a bundle without csp.json, or with one that widens the policy, as stale (503)', async () => {
    const dirs = await widgetDirs('fresh');
    root = dirs.root;
    await rm(join(dirs.dist, 'csp.json'));
    expect(await checkBundle(dirs.dist, dirs.src, 'index.html')).toEqual({
      ok: false,
      reason: 'stale',
      detail: `${dirs.dist} has no csp.json: it was built by an older widget build`,
    });
    expect(() => parseBundleCsp('{"index.html":{"script":["\'unsafe-inline\'"],"style":[]}}')).toThrow(
      "brAInwav: csp.json index.html.script is not a list of 'sha256-…' sources",
    );
    await writeFile(join(dirs.dist, 'csp.json'), '{"index.html":{"script":["*"],"style":[]}}');
    app = await startWidgetApp(dirs, [connector('x', 'http://127.0.0.1:9/mcp')]);
    const res = await app.inject({ method: 'GET', url: '/apps/chatgpt-dashboard/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('the dashboard bundle is out of date');
    expect(res.body).toContain('csp.json index.html.script is not a list');
    expect(res.headers['content-security-policy']).toBe(TROUBLESHOOTING_CSP);
    expect(TROUBLESHOOTING_CSP).toContain(`style-src 'self' ${sha256Source(TROUBLESHOOTING_STYLE)}`);
  });
});
