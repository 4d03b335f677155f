import { ConnectorsError } from '@cortex-os/connectors-manifest';

/**
 * Base class of every asbr error: a stable `code` (HTTP status through the shared `ERROR_STATUS`
 * table of `@cortex-os/connectors-manifest`), a message starting with `brAInwav: `, `cause` kept.
 * Messages never contain secret values.
 */
export class AsbrError extends ConnectorsError {}

/**
 * An environment variable is missing or invalid (code `CONFIG_INVALID`). The message names the
 * variable and the rule it broke, never the value.
 */
export class ConfigError extends AsbrError {
  /** Name of the offending environment variable. */
  readonly variable: string;

  constructor(variable: string, reason: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', `${variable} ${reason}`, options);
    this.variable = variable;
  }
}

/** No valid signed service map is loaded (code `MANIFEST_UNAVAILABLE`, HTTP 503). */
export class ManifestUnavailableError extends AsbrError {
  constructor(reason?: string) {
    super('MANIFEST_UNAVAILABLE', `no valid connectors service map is loaded${reason ? ` (${reason})` : ''}`);
  }
}
