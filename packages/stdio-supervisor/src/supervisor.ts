import type { Transport } from '@modelcontextprotocol/client';
import { createSilentLogger, type Logger } from '@cortex-os/telemetry';
import { CrashWindow } from './crash-window.js';
import { StdioSupervisorError } from './errors.js';
import { buildLaunch, DEFAULT_TOOLS, type LaunchTools } from './launch.js';
import { groupRssBytes } from './process-group.js';
import { assertSandboxAvailable } from './sandbox.js';
import { StderrCapture } from './stderr.js';
import { DEFAULT_KILL_GRACE_MS, StdioProcessTransport, type StdioProcessExit } from './transport.js';
import type { StdioExitEvent, StdioLaunchSpec, StdioStatus, StdioSupervisorOptions } from './types.js';

/** Default memory watchdog period, ms. */
export const DEFAULT_MEMORY_CHECK_MS = 1000;
const MIB = 1024 * 1024;

/** The supervisor's view of one child, the current one or the last. */
interface Child {
  readonly transport: StdioProcessTransport;
  readonly stderr: StderrCapture;
  watchdog?: NodeJS.Timeout;
}

/** A supervised, isolated stdio connector: one child at a time, see {@link createStdioSupervisor}. */
export interface StdioSupervisor {
  /** Spawns a fresh child and returns an UNSTARTED MCP `Transport` over its stdio (Client.connect starts it). */
  connect(): Promise<Transport>;
  readonly status: StdioStatus;
  readonly pid: number | undefined;
  /** How many spawns followed a crash of the previous child. */
  readonly restarts: number;
  /** Why the last child ended unexpectedly, or why the connector is offline. */
  readonly reason: string | undefined;
  /**
   * Kills the current child's process group (SIGTERM, then SIGKILL after the grace): status `running` → `idle`.
   * A pending backoff or an offline state is kept (stop() is no way around the crash policy).
   */
  stop(): Promise<void>;
  /** stop() + no further connects (status closed). Idempotent. */
  close(): Promise<void>;
}

function describeExit(exit: StdioProcessExit, lastLine: string | undefined): string {
  const how =
    exit.reason ?? (exit.signal === null ? `exit code ${String(exit.code)}` : `signal ${exit.signal}`);
  return lastLine === undefined ? how : `${how}: ${lastLine}`;
}

class Supervisor implements StdioSupervisor {
  readonly #spec: StdioLaunchSpec;
  readonly #options: StdioSupervisorOptions;
  readonly #tools: LaunchTools;
  readonly #log: Logger;
  readonly #secrets: readonly string[];
  readonly #crashes: CrashWindow;
  #status: StdioStatus = 'idle';
  #reason: string | undefined;
  #restarts = 0;
  /** The last child crashed: the next spawn is a restart (a spawn after a plain stop() is not). */
  #restartPending = false;
  #retryAt = 0;
  #backoffTimer: NodeJS.Timeout | undefined;
  #child: Child | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;

  constructor(spec: StdioLaunchSpec, options: StdioSupervisorOptions, tools: LaunchTools) {
    this.#spec = spec;
    this.#options = options;
    this.#tools = tools;
    this.#log = (options.logger ?? createSilentLogger()).child({
      connectorId: spec.id,
      component: 'stdio-supervisor',
    });
    this.#secrets = [...Object.values(spec.env ?? {}), ...(options.secrets ?? [])];
    this.#crashes = new CrashWindow(spec.limits, options.random);
  }

  get status(): StdioStatus {
    return this.#status;
  }

  get pid(): number | undefined {
    return this.#child?.transport.running ? this.#child.transport.pid : undefined;
  }

  get restarts(): number {
    return this.#restarts;
  }

  get reason(): string | undefined {
    return this.#reason;
  }

  connect(): Promise<Transport> {
    return this.#serial(() => this.#connect());
  }

  stop(): Promise<void> {
    return this.#serial(() => this.#stopChild());
  }

  close(): Promise<void> {
    this.#closing ??= this.#serial(async () => {
      this.#status = 'closed';
      clearTimeout(this.#backoffTimer);
      await this.#stopChild();
      this.#status = 'closed';
    });
    return this.#closing;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #connect(): Promise<Transport> {
    this.#assertMayConnect(Date.now());
    await this.#stopChild();
    const launch = buildLaunch(this.#spec, this.#options.workspacesDir, this.#tools);
    if (this.#spec.sandbox?.enabled) {
      await assertSandboxAvailable(this.#spec.id, this.#tools.bwrap, this.#spec.sandbox.network === true);
    }
    const stderr = new StderrCapture({
      secrets: this.#secrets,
      log: (line) => this.#log.info({ connectorId: this.#spec.id, stream: 'stderr' }, line),
    });
    const transport = new StdioProcessTransport({
      ...launch,
      connectorId: this.#spec.id,
      killGraceMs: this.#options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      onStderr: (chunk) => stderr.write(chunk),
      ...(this.#options.maxMessageBytes === undefined
        ? {}
        : { maxMessageBytes: this.#options.maxMessageBytes }),
    });
    const child: Child = { transport, stderr };
    transport.onexit = (exit) => this.#onExit(child, exit);
    await transport.spawn();
    this.#child = child;
    if (this.#restartPending) this.#restarts += 1;
    this.#restartPending = false;
    this.#status = 'running';
    this.#startWatchdog(child);
    this.#log.info(
      { pid: transport.pid, sandbox: this.#spec.sandbox?.enabled === true },
      'stdio connector started',
    );
    return transport;
  }

  #assertMayConnect(now: number): void {
    const id = this.#spec.id;
    if (this.#status === 'closed')
      throw new StdioSupervisorError('STDIO_SPAWN_FAILED', id, `${id} is closed`);
    if (this.#status === 'offline') {
      const retryAfterMs = this.#crashes.quietInMs(now);
      if (retryAfterMs > 0) {
        throw new StdioSupervisorError(
          'STDIO_CRASH_LOOP',
          id,
          `${id} is offline: ${this.#reason ?? 'crash loop'}`,
          {
            retryAfterMs,
          },
        );
      }
      this.#status = 'idle';
    }
    if (this.#status === 'backoff') {
      const retryAfterMs = this.#retryAt - now;
      if (retryAfterMs > 0) {
        throw new StdioSupervisorError('STDIO_RESTARTING', id, `${id} is restarting after a crash`, {
          retryAfterMs,
        });
      }
      this.#status = 'idle';
    }
  }

  async #stopChild(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    await child.transport.close();
    if (this.#status === 'running') this.#status = 'idle';
  }

  #startWatchdog(child: Child): void {
    const limitMb = this.#spec.limits?.memoryMb;
    if (limitMb === undefined) return;
    const pgid = child.transport.pid as number;
    const period = this.#options.memoryCheckMs ?? DEFAULT_MEMORY_CHECK_MS;
    child.watchdog = setInterval(() => {
      const rss = groupRssBytes(pgid);
      if (rss <= limitMb * MIB) return;
      clearInterval(child.watchdog);
      // rounded up: an rss just over the limit never reads as the limit itself
      const reason = `memory limit ${limitMb} MiB exceeded (rss ${Math.ceil(rss / MIB)} MiB)`;
      this.#log.warn({ pid: pgid, rssBytes: rss }, `stdio connector ${reason}; killing its process group`);
      void child.transport.kill(reason, 0);
    }, period);
    child.watchdog.unref();
  }

  #onExit(child: Child, exit: StdioProcessExit): void {
    clearInterval(child.watchdog);
    child.stderr.flush();
    if (child !== this.#child) return;
    if (exit.requested || this.#status === 'closed') {
      this.#log.info({ code: exit.code, signal: exit.signal }, 'stdio connector stopped');
      if (this.#status === 'running') this.#status = 'idle';
      return;
    }
    this.#onCrash(child, exit);
  }

  #onCrash(child: Child, exit: StdioProcessExit): void {
    const now = Date.now();
    const last = describeExit(exit, child.stderr.lastLine);
    const verdict = this.#crashes.record(now);
    this.#restartPending = true;
    const event = { code: exit.code, signal: exit.signal, stderrTail: child.stderr.tail };
    if (verdict.kind === 'offline') {
      this.#status = 'offline';
      this.#reason = `crashed ${verdict.crashes} times in ${this.#crashes.windowSeconds} s (last: ${last})`;
      this.#log.error({ code: exit.code, signal: exit.signal }, `stdio connector offline: ${this.#reason}`);
      this.#emitExit({ ...event, reason: last });
      const reason = this.#reason;
      this.#safely('onOffline', () => this.#options.onOffline?.(reason));
      return;
    }
    this.#status = 'backoff';
    this.#reason = last;
    this.#retryAt = now + verdict.delayMs;
    this.#log.warn(
      { code: exit.code, signal: exit.signal, restartInMs: verdict.delayMs },
      `stdio connector crashed: ${last}`,
    );
    clearTimeout(this.#backoffTimer);
    this.#backoffTimer = setTimeout(() => this.#onBackoffElapsed(), verdict.delayMs);
    this.#backoffTimer.unref();
    this.#emitExit({ ...event, reason: last, restartInMs: verdict.delayMs });
  }

  #onBackoffElapsed(): void {
    if (this.#status !== 'backoff') return;
    this.#status = 'idle';
    this.#safely('onRestartDue', () => this.#options.onRestartDue?.());
  }

  #emitExit(event: StdioExitEvent): void {
    this.#safely('onExit', () => this.#options.onExit?.(event));
  }

  #safely(name: string, callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.#log.error({ err: error }, `${name} callback threw`);
    }
  }
}

/**
 * Creates the supervisor of one stdio connector: each connect() spawns a fresh, isolated child (exact env, own
 * process group, 0700 workspace as HOME, prlimit limits, memory watchdog, optional bubblewrap sandbox) and returns an
 * unstarted MCP transport over its stdio. Crashes back off exponentially; a crash loop takes the connector offline.
 * Nothing restarts by itself: the caller reconnects.
 */
export function createStdioSupervisor(
  spec: StdioLaunchSpec,
  options: StdioSupervisorOptions,
): StdioSupervisor {
  return createSupervisorWithTools(spec, options, DEFAULT_TOOLS);
}

/** {@link createStdioSupervisor} with other helper binaries (tests of their absence). */
export function createSupervisorWithTools(
  spec: StdioLaunchSpec,
  options: StdioSupervisorOptions,
  tools: LaunchTools,
): StdioSupervisor {
  return new Supervisor(spec, options, tools);
}
