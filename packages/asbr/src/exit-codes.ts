import { ConnectorsError } from '@cortex-os/connectors-manifest';

/**
 * Process exit codes of the `asbr` bin (sysexits.h): 78 `CONFIG_INVALID`/`KEY_INVALID` (environment),
 * 66 `MANIFEST_NOT_FOUND`, 65 `MANIFEST_INVALID`, 1 anything else.
 */
export const EXIT_CODES: Readonly<Record<string, number>> = {
  CONFIG_INVALID: 78,
  KEY_INVALID: 78,
  MANIFEST_NOT_FOUND: 66,
  MANIFEST_INVALID: 65,
};

/** Exit code for a startup error (see {@link EXIT_CODES}). */
export function exitCodeFor(error: unknown): number {
  return error instanceof ConnectorsError ? (EXIT_CODES[error.code] ?? 1) : 1;
}
