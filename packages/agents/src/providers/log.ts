import { createLogger } from '@cortex-os/telemetry';
import type { AgentsLogger } from '../types.js';

/** Options of {@link createLineLogger}. */
export interface LineLoggerOptions {
  /** Receives each JSON line (without its newline). */
  readonly write: (line: string) => void;
  /** pino level (default `info`). */
  readonly level?: string;
  /** Values replaced by `[REDACTED]` anywhere in a line. */
  readonly secrets?: readonly string[];
  /** `component` field (default `agents`). */
  readonly component?: string;
}

/**
 * The brAInwav pino logger (brand, component, secret redaction) writing its JSON lines to `write`: for hosts
 * without their own logger, such as the CLI writing to stderr.
 * @throws RangeError when `level` is not a pino level.
 */
export function createLineLogger(o: LineLoggerOptions): AgentsLogger {
  return createLogger({
    component: o.component ?? 'agents',
    level: (o.level ?? 'info') as 'info',
    secrets: o.secrets ?? [],
    destination: {
      write: (chunk: string) => {
        for (const line of chunk.split('\n')) if (line !== '') o.write(line);
      },
    },
  });
}
