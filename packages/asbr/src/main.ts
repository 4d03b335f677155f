#!/usr/bin/env node
import { ConnectorsError, branded } from '@cortex-os/connectors-manifest';
import {
  collectDefaultProcessMetrics,
  createConnectorsMetrics,
  createLogger,
  startTracing,
  type TracingHandle,
} from '@cortex-os/telemetry';
import { buildApp } from './app.js';
import { loadAsbrConfig, type AsbrConfig } from './config.js';
import { configSecrets } from './secrets.js';
import { exitCodeFor } from './exit-codes.js';

/** A startup error as one branded line: ConnectorsError messages, system errors (EADDRINUSE…), else the name. */
function describe(error: unknown): string {
  if (error instanceof ConnectorsError) return `${error.message} [${error.code}]`;
  const system = error as Partial<NodeJS.ErrnoException>;
  if (typeof system.syscall === 'string')
    return branded(`asbr failed to start: ${system.message ?? system.code}`);
  return branded(`asbr failed to start (${error instanceof Error ? error.name : 'unexpected error'})`);
}

function die(error: unknown): never {
  const message = describe(error);
  process.stderr.write(`${message}\n`);
  process.exit(exitCodeFor(error));
}

function readConfig(): AsbrConfig {
  try {
    return loadAsbrConfig(process.env);
  } catch (error) {
    return die(error);
  }
}

async function start(config: AsbrConfig, tracing: TracingHandle): Promise<void> {
  const logger = createLogger({ component: 'asbr', level: config.logLevel, secrets: configSecrets(config) });
  const metrics = createConnectorsMetrics();
  collectDefaultProcessMetrics(metrics.registry);
  const app = await buildApp({ config, logger, metrics, watch: true });
  const { state, failure } = app.asbr.reloader.readiness();
  if (state === 'unavailable') {
    await app.close();
    const error = new ConnectorsError(
      failure?.code ?? 'MANIFEST_UNAVAILABLE',
      failure?.message ?? 'no manifest',
    );
    return die(error);
  }
  await app.listen({ port: config.port, host: config.host });
  process.on('SIGHUP', () => void app.asbr.reload('sighup'));
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'brAInwav: asbr shutting down');
    void app
      .close()
      .then(() => tracing.shutdown())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const config = readConfig();
const tracing = startTracingOrExit();

/** Starts tracing; a bad `TRACE_CONTEXT` exits 2 with its branded message, no stack. */
function startTracingOrExit(): ReturnType<typeof startTracing> {
  try {
    return startTracing({ serviceName: 'asbr' });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}
start(config, tracing).catch(die);
