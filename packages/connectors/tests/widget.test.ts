import { createHash } from 'node:crypto';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { WIDGET_BUILD_COMMAND, checkBundle } from '../src/index.js';
import {
  connector,
  controlledSource,
  removeDir,
  signedMapText,
  startApp,
  testEnv,
  widgetDirs,
} from './helpers.js';

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
    const env = testEnv({ CONNECTORS_WIDGET_DIR: dirs.dist, CONNECTORS_WIDGET_SRC_DIR: dirs.src });
    app = await startApp(
      env,
      controlledSource(await signedMapText([connector('x', 'http://127.0.0.1:9/mcp')])),
    );
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
    const env = testEnv({ CONNECTORS_WIDGET_DIR: dirs.dist, CONNECTORS_WIDGET_SRC_DIR: dirs.src });
    app = await startApp(
      env,
      controlledSource(await signedMapText([connector('x', 'http://127.0.0.1:9/mcp')])),
    );
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
    expect(await checkBundle(dirs.dist, join(dirs.root, 'no-src'), 'index.html')).toEqual({ ok: true });
  });
});
