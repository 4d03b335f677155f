import type { Logger } from '@cortex-os/telemetry';

/** Resource limits and restart policy of one stdio connector. */
export interface StdioLimits {
  /** Resident memory cap of the whole process group, MiB (enforced by the watchdog). */
  readonly memoryMb?: number;
  /** CPU time cap per process, seconds (RLIMIT_CPU through prlimit). */
  readonly cpuSeconds?: number;
  /** Open file descriptor cap per process (RLIMIT_NOFILE through prlimit). */
  readonly openFiles?: number;
  /** Crashes allowed per {@link StdioLimits.restartWindowSeconds} before the connector goes offline; default 5. */
  readonly maxRestarts?: number;
  /** Sliding crash-count window, seconds; default 60. */
  readonly restartWindowSeconds?: number;
  /** Exponential restart backoff, ms; default initial 500, max 30000. */
  readonly restartBackoffMs?: { readonly initial?: number; readonly max?: number };
}

/** How to launch one stdio connector (structurally compatible with the manifest's stdio entry). */
export interface StdioLaunchSpec {
  /** Connector id (manifest id pattern); names the workspace directory. */
  readonly id: string;
  readonly command: string;
  readonly args?: readonly string[];
  /** Absolute, or relative to the workspace; default the workspace. */
  readonly cwd?: string;
  /** Declared env, values already resolved by the caller (secrets); always redacted from stderr. */
  readonly env?: Readonly<Record<string, string>>;
  readonly limits?: StdioLimits;
  /** bubblewrap sandbox: read-only root (/tmp included), writable workspace, no network unless `network`. */
  readonly sandbox?: { readonly enabled: boolean; readonly network?: boolean };
}

/** An unexpected exit of a supervised child (not caused by stop/close). */
export interface StdioExitEvent {
  readonly code: number | null;
  readonly signal: string | null;
  /** Human-readable, redacted: "exit code 1: <last stderr line>", "memory limit 256 MiB exceeded (rss 300 MiB)". */
  readonly reason: string;
  /** When the next connect() is allowed; absent when the connector went offline. */
  readonly restartInMs?: number;
  /** The last stderr lines (redacted), newline-joined. */
  readonly stderrTail: string;
}

/** Lifecycle state of a supervisor. */
export type StdioStatus = 'idle' | 'running' | 'backoff' | 'offline' | 'closed';

/** Options of {@link createStdioSupervisor}. */
export interface StdioSupervisorOptions {
  /** Children get `<workspacesDir>/<id>/` (created, mode 0700) as HOME and default cwd. */
  readonly workspacesDir: string;
  /** Default silent. */
  readonly logger?: Logger;
  /** Extra values to redact from stderr (the env values are always redacted). */
  readonly secrets?: readonly string[];
  /** SIGTERM → SIGKILL grace, ms; default 2000. */
  readonly killGraceMs?: number;
  /** Memory watchdog period, ms; default 1000. */
  readonly memoryCheckMs?: number;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
  /** Max size of one JSON-RPC line from the child, bytes; default 16 MiB. */
  readonly maxMessageBytes?: number;
  /** Unexpected exit (not via close/stop). */
  readonly onExit?: (e: StdioExitEvent) => void;
  /** Backoff elapsed: a new connect() will spawn. */
  readonly onRestartDue?: () => void;
  /** Crash loop: restarts exhausted in the window. */
  readonly onOffline?: (reason: string) => void;
}
