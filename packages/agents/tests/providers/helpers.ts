import { createLogger, type Logger } from '@cortex-os/telemetry';
import { clearProbeMemory, connectModel, providerConfigOf, type ConnectedModel } from '../../src/index.js';

/** A real pino logger whose JSON lines are kept in `lines`. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = {
    write(chunk: string): boolean {
      for (const line of chunk.split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    },
  };
  return { logger: createLogger({ component: 'test', level: 'debug', destination }), lines };
}

/** Connects to the fake server at `baseURL` (fresh probe memory), with `env` overrides. */
export function connectTo(
  baseURL: string,
  env: NodeJS.ProcessEnv = {},
  extra: Partial<Parameters<typeof connectModel>[0]> = {},
): Promise<ConnectedModel> {
  clearProbeMemory();
  const full = { CORTEX_AGENT_MODEL: 'fake-model', ...env };
  const config = providerConfigOf({ baseURL, retry: { baseDelayMs: 1, maxDelayMs: 5 } }, full, process.cwd());
  return connectModel({ config, env: full, ...extra });
}
