#!/usr/bin/env node
// Demo upstream "memory": @modelcontextprotocol/server-memory (stdio) behind our stdio→HTTP bridge,
// bearer-protected with CONNECTOR_MEMORY_TOKEN. Env: BRIDGE_PORT (7102), BRIDGE_HOST (127.0.0.1), MEMORY_FILE_PATH.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { createStdioHttpBridge } = await import(
  new URL('../../packages/connectors/dist/index.js', import.meta.url).href
);
const require = createRequire(`${root}packages/connectors/package.json`);
const entry = require
  .resolve('@modelcontextprotocol/server-memory/package.json')
  .replace(/package\.json$/, 'dist/index.js');

const token = process.env.CONNECTOR_MEMORY_TOKEN;
if (!token) {
  process.stderr.write('brAInwav: CONNECTOR_MEMORY_TOKEN is required for the memory bridge\n');
  process.exit(2);
}
const port = Number(process.env.BRIDGE_PORT ?? 7102);
const host = process.env.BRIDGE_HOST ?? '127.0.0.1';
const env = process.env.MEMORY_FILE_PATH ? { MEMORY_FILE_PATH: process.env.MEMORY_FILE_PATH } : {};
const bridge = createStdioHttpBridge({ command: process.execPath, args: [entry], env, token });
const server = createServer((req, res) => {
  if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp') {
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"brand":"brAInwav","error":{"code":"NOT_FOUND","message":"brAInwav: use /mcp"}}');
    return;
  }
  bridge.handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.listen(port, host, () =>
  process.stdout.write(`brAInwav memory bridge on http://${host}:${port}/mcp\n`),
);
const stop = () => void bridge.close().finally(() => server.close(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
