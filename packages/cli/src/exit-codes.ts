/**
 * Exit codes of `cortex-connectors` (documented in the README and every `--help`).
 * - `OK` 0: the command succeeded.
 * - `FAILURE` 1: invalid manifest, failed doctor check, missing/invalid key or file, I/O error;
 *   `policy explain` denied the request.
 * - `VERIFY_FAILED` 2: `verify` rejected the map, or could not fetch it (HTTP or network error).
 * - `USAGE` 64: unknown command or option, missing argument (BSD `EX_USAGE`).
 * - `DATA_ERROR` 65: the input file is invalid: `policy check|explain` on an invalid policy (BSD `EX_DATAERR`).
 */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  VERIFY_FAILED: 2,
  USAGE: 64,
  DATA_ERROR: 65,
} as const;

/** One of the values of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
