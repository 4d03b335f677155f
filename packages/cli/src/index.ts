export { run, CLI_VERSION } from './run.js';
export type { CliIO, CliEnv, TextSink } from './io.js';
export { Output, REDACTED } from './io.js';
export { EXIT } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
export { CliError, UsageError, KeyConfigError, FileError } from './errors.js';
export { BIN, GLOBAL_HELP, COMMAND_HELP, COMMAND_NAMES } from './help.js';
export type { CommandName } from './help.js';
export { parseKeyFileText, readKeyFile } from './key-file.js';
export type { KeyFileKeys } from './key-file.js';
export { signingKeyFromEnv, verifyKeysFromEnv } from './keys.js';
export { DEFAULT_FETCH_TIMEOUT_MS } from './fetch-map.js';
export {
  scaffoldFiles,
  manifestEntry,
  SCAFFOLD_VERSIONS,
  SCAFFOLD_TRANSPORTS,
  DEFAULT_HTTP_PORT,
  MANIFEST_ENTRY_FILE,
} from './scaffold/index.js';
export type {
  ScaffoldOptions,
  ScaffoldFile,
  ScaffoldTransport,
  ManifestEntryJson,
} from './scaffold/index.js';
