import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webpack from 'webpack';
import { DIST_DIR, PACKAGE_DIR } from './browser.js';

/**
 * Bundles tests/e2e/host/host-entry.ts (ext-apps AppBridge host) for the browser with webpack.
 * @returns the bundled JavaScript source.
 */
export async function buildHostBundle(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'brainwav-mcp-host-'));
  const compiler = webpack({
    mode: 'development',
    devtool: false,
    target: 'web',
    context: PACKAGE_DIR,
    entry: join(PACKAGE_DIR, 'tests/e2e/host/host-entry.ts'),
    output: { path: outDir, filename: 'host.js' },
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
    return readFileSync(join(outDir, 'host.js'), 'utf8');
  } finally {
    await new Promise<void>((resolve) => compiler.close(() => resolve()));
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** A static server for the host page (`/host.html`, `/host.js`) and the widget resource (`/mcp-app.html`). */
export interface HostPageServer {
  url: string;
  /** Every path requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves the host page with `data` (the `connectors_dashboard` structuredContent) embedded, the host bundle,
 * and dist/mcp-app.html, on 127.0.0.1 port 0.
 */
export async function startHostPageServer(hostJs: string, data: unknown): Promise<HostPageServer> {
  const mcpApp = readFileSync(join(DIST_DIR, 'mcp-app.html'));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>brAInwav MCP Apps test host</title><link rel="icon" href="data:,"></head>
<body><h1>Test host</h1><script id="host-data" type="application/json">${JSON.stringify(data).replace(/</g, '\\u003c')}</script><script src="/host.js"></script></body></html>`;
  const files: Record<string, [string, string | Buffer]> = {
    '/host.html': ['text/html; charset=utf-8', html],
    '/host.js': ['text/javascript; charset=utf-8', hostJs],
    '/mcp-app.html': ['text/html; charset=utf-8', mcpApp],
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
