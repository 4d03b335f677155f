#!/usr/bin/env node
// Demo upstream "fixtures": the brAInwav fixture MCP server (@cortex-os/mcp-bridge/testing) requiring
// X-Demo-Key: CONNECTOR_FIXTURES_KEY, published on FIXTURE_PORT (7103) through a TCP relay.
import { createServer, connect } from 'node:net';

const { startFixtureServer } = await import(
  new URL('../../packages/mcp-bridge/dist/testing/index.js', import.meta.url).href
);
const key = process.env.CONNECTOR_FIXTURES_KEY;
if (!key) {
  process.stderr.write('brAInwav: CONNECTOR_FIXTURES_KEY is required for the fixture server\n');
  process.exit(2);
}
const port = Number(process.env.FIXTURE_PORT ?? 7103);
const host = process.env.FIXTURE_HOST ?? '127.0.0.1';
const fixture = await startFixtureServer({
  name: 'brainwav-demo-fixtures',
  requireAuth: { header: 'x-demo-key', value: key },
  recordHeaders: false,
});
const relay = createServer((socket) => {
  const upstream = connect(fixture.port, '127.0.0.1');
  socket.pipe(upstream).pipe(socket);
  const end = () => {
    socket.destroy();
    upstream.destroy();
  };
  socket.on('error', end);
  upstream.on('error', end);
});
relay.listen(port, host, () =>
  process.stdout.write(`brAInwav fixture server on http://${host}:${port}/mcp\n`),
);
const stop = () => {
  relay.close();
  void fixture.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
