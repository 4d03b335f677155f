#!/usr/bin/env node
import { startTracing } from '@cortex-os/telemetry';
import { buildApp } from './app.js';
import { loadConnectorsConfig } from './config.js';
import { ConnectorsServerError } from './errors.js';

/** Starts the connectors server from `process.env`; exits non-zero with a branded error on bad config. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConnectorsConfig(process.env);
  } catch (err) {
    process.stderr.write(
      `${err instanceof ConnectorsServerError ? err.message : `brAInwav: invalid configuration (${(err as Error).name})`}\n`,
    );
    process.exit(2);
  }
  let tracing;
  try {
    tracing = startTracing({ serviceName: 'brainwav-connectors' });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`); // a bad TRACE_CONTEXT: branded, no stack
    process.exit(2);
  }
  if (config.noAuth) {
    process.stderr.write(
      `brAInwav: WARNING NO_AUTH=true — every route of the connectors server on ${config.host} is open without an API key\n`,
    );
  }
  const app = await buildApp({ config });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  process.stdout.write(
    `brAInwav connectors server listening on ${base} (REST ${base}/v1/connectors, MCP ${base}/mcp, widget ${base}/apps/chatgpt-dashboard/)\n`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'brAInwav: shutting down gracefully');
    const force = setTimeout(() => {
      app.log.warn('brAInwav: shutdown deadline passed; closing remaining connections');
      app.server.closeAllConnections();
    }, config.shutdownTimeoutMs + 2_000);
    force.unref();
    void app
      .close()
      .then(() => tracing.shutdown())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  // SIGHUP re-reads the policy file now (it is also watched); a bad edit keeps the last good policy
  process.on('SIGHUP', () => {
    void app.connectors.policy
      .reload()
      .then((health) =>
        app.log.info({ signal: 'SIGHUP', policy: health.state }, 'brAInwav: policy reload requested'),
      );
  });
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof Error && err.message.startsWith('brAInwav: ') ? err.message : `brAInwav: connectors server failed to start (${(err as Error).message})`}\n`,
  );
  process.exit(1);
});
