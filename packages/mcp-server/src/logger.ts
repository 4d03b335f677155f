/**
 * The pino methods the gateway calls (a pino `Logger`, e.g. from `@cortex-os/telemetry`'s
 * `createLogger`, satisfies it). Tool arguments and secrets are never logged.
 */
export interface GatewayLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (the default when none is injected). */
export const silentLogger: GatewayLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
