import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webpack from 'webpack';
import { DIST_DIR, PACKAGE_DIR } from './browser.js';

/** The two test hosts' scripts. */
export interface HostBundles {
  /** tests/e2e/host/host-entry.ts: the MCP Apps host page (ext-apps AppBridge, widget in a sandboxed iframe). */
  host: string;
  /** tests/e2e/host/openai-entry.ts: the ChatGPT-style `window.openai` the widget page loads first. */
  openai: string;
}

/**
 * Bundles the test hosts (tests/e2e/host/host-entry.ts and openai-entry.ts) for the browser with webpack.
 * @returns the bundled JavaScript sources.
 */
export async function buildHostBundle(): Promise<HostBundles> {
  const outDir = mkdtempSync(join(tmpdir(), 'brainwav-mcp-host-'));
  const compiler = webpack({
    mode: 'development',
    devtool: false,
    target: 'web',
    context: PACKAGE_DIR,
    entry: {
      host: join(PACKAGE_DIR, 'tests/e2e/host/host-entry.ts'),
      'openai-host': join(PACKAGE_DIR, 'tests/e2e/host/openai-entry.ts'),
    },
    output: { path: outDir, filename: '[name].js' },
    resolve: {
      extensions: ['.ts', '.js'],
      extensionAlias: { '.js': ['.ts', '.js'] },
      conditionNames: ['browser', 'import', 'module', 'default'],
    },
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          loader: 'esbuild-loader',
          options: { loader: 'ts', target: 'es2020' },
        },
      ],
    },
  });
  try {
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      compiler.run((error, result) =>
        error || !result ? reject(error ?? new Error('no stats')) : resolve(result),
      ),
    );
    if (stats.hasErrors()) throw new Error(`brAInwav: host bundle failed: ${stats.toString('errors-only')}`);
    return {
      host: readFileSync(join(outDir, 'host.js'), 'utf8'),
      openai: readFileSync(join(outDir, 'openai-host.js'), 'utf8'),
    };
  } finally {
    await new Promise<void>((resolve) => compiler.close(() => resolve()));
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * A static server for the MCP Apps host page (`/host.html`, `/host.js`), the widget resource (`/mcp-app.html`) and
 * the ChatGPT-style page (`/chatgpt.html`: dist/mcp-app.html with `/openai-host.js` loaded first).
 */
export interface HostPageServer {
  url: string;
  /** Every path requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves both host pages with `state` (the scripted host's data: statuses and extra calls, see
 * tests/e2e/host/scripted.ts) embedded, the host bundles, and dist/mcp-app.html, on 127.0.0.1 port 0.
 */
export async function startHostPageServer(bundles: HostBundles, state: unknown): Promise<HostPageServer> {
  const mcpApp = readFileSync(join(DIST_DIR, 'mcp-app.html'), 'utf8');
  const embedded = `<script id="host-data" type="application/json">${JSON.stringify(state).replace(/</g, '\\u003c')}</script>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>brAInwav MCP Apps test host</title><link rel="icon" href="data:,"></head>
<body><h1>Test host</h1>${embedded}<script src="/host.js"></script></body></html>`;
  // the widget page itself, with window.openai defined before the widget's inline script runs
  const chatgpt = mcpApp.replace(
    '<head>',
    () => `<head><link rel="icon" href="data:,">${embedded}<script src="/openai-host.js"></script>`,
  );
  if (chatgpt === mcpApp) throw new Error('brAInwav: dist/mcp-app.html has no <head>');
  const files: Record<string, [string, string | Buffer]> = {
    '/host.html': ['text/html; charset=utf-8', html],
    '/host.js': ['text/javascript; charset=utf-8', bundles.host],
    '/mcp-app.html': ['text/html; charset=utf-8', mcpApp],
    '/chatgpt.html': ['text/html; charset=utf-8', chatgpt],
    '/openai-host.js': ['text/javascript; charset=utf-8', bundles.openai],
  };
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(path);
    const file = files[path];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
    res.end(file?.[1] ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
