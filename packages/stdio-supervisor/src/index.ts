export { createStdioSupervisor, DEFAULT_MEMORY_CHECK_MS } from './supervisor.js';
export type { StdioSupervisor } from './supervisor.js';
export type {
  StdioExitEvent,
  StdioLaunchSpec,
  StdioLimits,
  StdioStatus,
  StdioSupervisorOptions,
} from './types.js';
export { StdioSupervisorError, STDIO_ERROR_CODES } from './errors.js';
export type { StdioErrorCode } from './errors.js';
export {
  StdioProcessTransport,
  stdioTransport,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_KILL_GRACE_MS,
} from './transport.js';
export type { StdioProcessParams, StdioProcessExit } from './transport.js';
export { childEnv, BASE_PATH } from './launch.js';
export {
  DEFAULT_MAX_RESTARTS,
  DEFAULT_RESTART_WINDOW_SECONDS,
  DEFAULT_BACKOFF_INITIAL_MS,
  DEFAULT_BACKOFF_MAX_MS,
} from './crash-window.js';
