import { spawn, type ChildProcess } from 'node:child_process';
import {
  deserializeMessage,
  SdkError,
  SdkErrorCode,
  serializeMessage,
  type JSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/client';
import { StdioSupervisorError } from './errors.js';
import { LineReader, plainResultOf } from './line-reader.js';
import { groupAlive, killGroup } from './process-group.js';
import { RawRequests } from './raw-requests.js';

/** Default cap of one JSON-RPC line read from a child: 16 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Default SIGTERM → SIGKILL grace, ms. */
export const DEFAULT_KILL_GRACE_MS = 2000;
/** How long a leader's exit waits for the end of its stdout before the session closes (a grandchild may hold it). */
const STDOUT_DRAIN_MS = 100;

/** How {@link StdioProcessTransport} launches its child. `env` is the child's whole environment. */
export interface StdioProcessParams {
  readonly command: string;
  readonly args?: readonly string[];
  /** The exact environment of the child: nothing of the parent's is merged in. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Max bytes of one message line; a longer line is a `STDIO_LIMIT_EXCEEDED` error and the session closes. */
  readonly maxMessageBytes?: number;
  /** SIGTERM → SIGKILL grace of close(), ms; default 2000. */
  readonly killGraceMs?: number;
  /** Receives the child's stderr chunks (default: drained and dropped). */
  readonly onStderr?: (chunk: Buffer) => void;
  /** Connector id for error messages; default "stdio". */
  readonly connectorId?: string;
}

/** How a child ended: `requested` when close() caused it, `reason` when the transport itself killed it. */
export interface StdioProcessExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly requested: boolean;
  readonly reason?: string;
}

/**
 * A thin MCP client `Transport` over a child's stdio: the exact given environment (never the parent's), the child
 * leads its own process group, close() kills the whole group (SIGTERM, SIGKILL after the grace) and `onclose` follows
 * the leader's `exit`, not the pipes' `close` a grandchild could hold open. Framing is the SDK's newline-delimited
 * JSON (`serializeMessage`, `deserializeMessage`, the `ReadBuffer` rules) with a bounded line size. `rawRequest`
 * sends a request outside the SDK protocol layer for relays (the gateway's `relayToolResults`): its plain result
 * response is handed back without the SDK's message schema parse.
 */
export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Called once when the leader has exited (before `onclose`). */
  onexit?: (exit: StdioProcessExit) => void;

  readonly #params: StdioProcessParams;
  readonly #lines: LineReader;
  readonly #raw: RawRequests;
  #child: ChildProcess | undefined;
  #spawning: Promise<ChildProcess> | undefined;
  #started = false;
  #exited = false;
  /** Set synchronously on the leader's `exit` (`#exited` waits for stdout to drain and the group to be gone). */
  #exitSeen = false;
  #closeRequested = false;
  #killReason: string | undefined;
  #closedNotified = false;
  #finished: Promise<void> | undefined;
  #resolveFinished: (() => void) | undefined;

  constructor(params: StdioProcessParams) {
    this.#params = params;
    this.#lines = new LineReader(params.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    this.#raw = new RawRequests((message) => this.send(message));
  }

  /** Pid of the child (= its process group id) once spawned. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** True between a successful spawn and the leader's exit. */
  get running(): boolean {
    return this.#child !== undefined && !this.#exited;
  }

  /** Resolves once the leader has exited and its process group is gone (immediately when never spawned). */
  get finished(): Promise<void> {
    return this.#finished ?? Promise.resolve();
  }

  /** Spawns the child once (idempotent); rejects with `STDIO_SPAWN_FAILED` when it cannot start. */
  spawn(): Promise<ChildProcess> {
    this.#spawning ??= this.#spawnChild();
    return this.#spawning;
  }

  /** Spawns the child if needed and starts reading its messages. */
  async start(): Promise<void> {
    if (this.#started)
      throw new StdioSupervisorError('CONFIG_INVALID', this.#id, 'stdio transport already started');
    const child = await this.spawn();
    if (this.#exited) {
      throw new StdioSupervisorError(
        'STDIO_SPAWN_FAILED',
        this.#id,
        `${this.#id} exited before its session started`,
      );
    }
    this.#started = true;
    child.stdout?.on('data', (chunk: Buffer) => this.#onData(chunk));
  }

  /** Writes one message to the child's stdin (waits for drain under backpressure). */
  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.#child?.stdin;
    if (!stdin || this.#exited || stdin.destroyed) {
      return Promise.reject(
        new StdioSupervisorError('STDIO_SPAWN_FAILED', this.#id, `${this.#id} is not running`),
      );
    }
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) {
        resolve();
        return;
      }
      // Under backpressure: wait for 'drain', but a child dying meanwhile must not leave the send pending forever
      // (its error, if any, reaches onerror; the session's close follows the exit).
      const done = (): void => {
        stdin.off('drain', done);
        stdin.off('close', done);
        resolve();
      };
      stdin.once('drain', done);
      stdin.once('close', done);
    });
  }

  /**
   * Sends one JSON-RPC request outside the SDK protocol layer and resolves with its raw `result` (relays that
   * pass results on unchanged: no result schema parse). Failures match the SDK's: a JSON-RPC error is a
   * `ProtocolError`, the timeout an `SdkError` `RequestTimeout`, an abort rejects with the signal's reason (both
   * of the latter send `notifications/cancelled`), the session's end an `SdkError` `ConnectionClosed`.
   */
  rawRequest(
    method: string,
    params: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<unknown> {
    return this.#raw.request(method, params, options);
  }

  /** Kills the child's process group (SIGTERM, SIGKILL after the grace); resolves when it is gone. Idempotent. */
  async close(): Promise<void> {
    if (!this.#spawning) return this.#notifyClosed();
    await this.#spawning.catch(() => undefined);
    // A leader that already exited on its own stays an unexpected exit, even if close() races its clean-up.
    if (this.#child && !this.#exitSeen) {
      this.#closeRequested = true;
      await this.#terminate();
    }
    await this.finished;
    this.#notifyClosed();
  }

  /**
   * Kills the child's group on the transport's (or its supervisor's) own initiative: the exit carries `reason` and is
   * not `requested`. `graceMs` 0 sends SIGKILL at once (a memory hog must not keep growing through a grace).
   */
  async kill(reason: string, graceMs?: number): Promise<void> {
    if (this.#child && !this.#exitSeen) {
      this.#killReason ??= reason;
      await this.#terminate(graceMs);
    }
    await this.finished;
  }

  get #id(): string {
    return this.#params.connectorId ?? 'stdio';
  }

  async #terminate(graceMs = this.#params.killGraceMs ?? DEFAULT_KILL_GRACE_MS): Promise<void> {
    const child = this.#child as ChildProcess;
    try {
      child.stdin?.end();
    } catch {
      // already closed
    }
    await killGroup(child.pid as number, graceMs);
  }

  #spawnChild(): Promise<ChildProcess> {
    const { command, args = [], env, cwd } = this.#params;
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(command, [...args], {
          detached: true,
          env: { ...env },
          cwd,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
      } catch (error) {
        reject(this.#spawnError(error));
        return;
      }
      child.once('error', (error) => {
        if (child.pid === undefined) reject(this.#spawnError(error));
        else this.onerror?.(error);
      });
      child.once('spawn', () => {
        this.#child = child;
        this.#watch(child);
        resolve(child);
      });
    });
  }

  #spawnError(error: unknown): StdioSupervisorError {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return new StdioSupervisorError(
      'STDIO_SPAWN_FAILED',
      this.#id,
      `${this.#id} could not be started (${code}: ${this.#params.command})`,
      { cause: error },
    );
  }

  #watch(child: ChildProcess): void {
    this.#finished = new Promise((resolve) => (this.#resolveFinished = resolve));
    child.stdin?.on('error', (error) => this.onerror?.(error));
    child.stdout?.on('error', (error) => this.onerror?.(error));
    child.stderr?.on('data', (chunk: Buffer) => this.#params.onStderr?.(chunk));
    child.once('exit', (code, signal) => {
      this.#exitSeen = true;
      void this.#onExit(child, code, signal);
    });
  }

  #onData(chunk: Buffer): void {
    try {
      this.#lines.append(chunk);
    } catch {
      const limit = this.#params.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
      const reason = `message larger than ${limit} bytes`;
      this.onerror?.(
        new StdioSupervisorError('STDIO_LIMIT_EXCEEDED', this.#id, `${this.#id} sent a ${reason}`),
      );
      void this.kill(reason).then(() => this.#notifyClosed());
      return;
    }
    for (let line = this.#lines.next(); line !== null; line = this.#lines.next()) this.#onLine(line);
  }

  #onLine(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return; // not JSON: skipped, as the SDK's ReadBuffer does
    }
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && this.#raw.waits(id)) {
      const result = plainResultOf(value, id);
      if (result !== undefined) return this.#raw.resolve(id, result);
    }
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch (error) {
      this.onerror?.(error as Error); // a JSON line that is not a JSON-RPC message: skip it
      return;
    }
    if (!this.#raw.answer(message)) this.onmessage?.(message);
  }

  async #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    await this.#drainStdout(child);
    this.#exited = true;
    // Grandchildren of a leader that died stay in its group: never leave them behind.
    const pgid = child.pid as number;
    if (groupAlive(pgid)) await killGroup(pgid, this.#params.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
    this.#lines.clear();
    this.onexit?.({
      code,
      signal,
      requested: this.#closeRequested,
      ...(this.#killReason === undefined ? {} : { reason: this.#killReason }),
    });
    this.#resolveFinished?.();
    if (this.#started) this.#notifyClosed();
  }

  #drainStdout(child: ChildProcess): Promise<void> {
    const stdout = child.stdout;
    if (!stdout || stdout.readableEnded || stdout.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, STDOUT_DRAIN_MS);
      stdout.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #notifyClosed(): void {
    if (this.#closedNotified) return;
    this.#closedNotified = true;
    this.#raw.failAll(() => new SdkError(SdkErrorCode.ConnectionClosed, 'brAInwav: connection closed'));
    this.onclose?.();
  }
}

/** Creates a {@link StdioProcessTransport} (unstarted; `Client.connect` starts it). */
export function stdioTransport(params: StdioProcessParams): StdioProcessTransport {
  return new StdioProcessTransport(params);
}
