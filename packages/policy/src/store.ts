import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ConnectorsError } from '@cortex-os/connectors-manifest';
import type { CompiledPolicy } from './compile.js';
import { PolicyValidationError, POLICY_ERROR_CODES, type PolicyIssue } from './errors.js';
import { compilePolicyText, readPolicyText } from './file.js';
import type { Decision, PolicyDecider, PolicyRequest, Principal } from './types.js';

/** Why the last reload was refused (the last good policy stays in force). */
export interface PolicyLoadError {
  readonly code: string;
  /** Branded, path-precise message, e.g. `brAInwav: policy p.yaml: rules[3] (id "x").when: ...`. */
  readonly message: string;
  readonly issues: readonly PolicyIssue[];
  readonly at: Date;
}

/** Health of a policy store: `degraded` while the file on disk is invalid (serve that on `/readyz`). */
export interface PolicyStatus {
  readonly state: 'ok' | 'degraded';
  readonly path: string;
  /** When the policy in force was loaded. */
  readonly loadedAt: Date;
  /** Rule count of the policy in force. */
  readonly rules: number;
  /** The refused reload, while degraded. */
  readonly lastError?: PolicyLoadError;
}

/** What a store reports, for a server to log: a policy applied, a file refused, or the watcher failing. */
export type PolicyStoreEvent =
  | { readonly type: 'loaded'; readonly status: PolicyStatus }
  | { readonly type: 'rejected'; readonly status: PolicyStatus; readonly error: PolicyLoadError }
  | { readonly type: 'watch-failed'; readonly path: string; readonly message: string };

/** Options of {@link openPolicyStore}. */
export interface PolicyStoreOptions {
  /** The policy file (YAML or JSON). */
  readonly path: string;
  /** Watch the file's directory and reload on change (default true). */
  readonly watch?: boolean;
  /** Quiet period after the last file event before reloading, in ms (default 100). */
  readonly debounceMs?: number;
  /** Clock for `loadedAt` / `at` (default `() => new Date()`). */
  readonly now?: () => Date;
}

/** A policy file kept in force: hot reload on change and on demand, last good policy kept on a bad edit. */
export interface PolicyStore extends PolicyDecider {
  /** The policy in force. */
  readonly policy: CompiledPolicy;
  status(): PolicyStatus;
  /** Re-reads the file now (e.g. on SIGHUP). Never rejects: a bad file leaves the store `degraded`. */
  reload(): Promise<PolicyStatus>;
  /** Subscribes to store events; returns the unsubscribe function. */
  on(listener: (event: PolicyStoreEvent) => void): () => void;
  /** Stops watching (idempotent). */
  close(): void;
}

function loadError(error: unknown, at: Date): PolicyLoadError {
  if (error instanceof ConnectorsError) {
    const issues = error instanceof PolicyValidationError ? error.issues : [];
    return { code: error.code, message: error.message, issues, at };
  }
  const reason = error instanceof Error ? error.name : 'unknown error';
  return {
    code: POLICY_ERROR_CODES.INVALID,
    message: `brAInwav: policy could not be loaded (${reason})`,
    issues: [],
    at,
  };
}

class PolicyFileStore implements PolicyStore {
  private current: CompiledPolicy;
  private text: string;
  private loadedAt: Date;
  private lastError: PolicyLoadError | undefined;
  private readonly listeners = new Set<(event: PolicyStoreEvent) => void>();
  private queue: Promise<PolicyStatus> | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: Required<Omit<PolicyStoreOptions, 'watch'>>,
    initial: { policy: CompiledPolicy; text: string },
  ) {
    this.current = initial.policy;
    this.text = initial.text;
    this.loadedAt = options.now();
  }

  get policy(): CompiledPolicy {
    return this.current;
  }

  decide(request: PolicyRequest): Decision {
    return this.current.decide(request);
  }

  mayList(
    principal: Principal,
    connectorId: string,
    tool: string,
    requiredScopes?: readonly string[],
  ): boolean {
    return this.current.mayList(principal, connectorId, tool, requiredScopes);
  }

  status(): PolicyStatus {
    const base = { path: this.options.path, loadedAt: this.loadedAt, rules: this.current.rules.length };
    return this.lastError
      ? { ...base, state: 'degraded', lastError: this.lastError }
      : { ...base, state: 'ok' };
  }

  reload(): Promise<PolicyStatus> {
    const next = (this.queue ?? Promise.resolve(this.status())).then(() => this.loadOnce());
    this.queue = next;
    return next;
  }

  on(listener: (event: PolicyStoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Starts watching the file's directory (editors and ConfigMaps replace files rather than write them). */
  startWatching(): void {
    const name = basename(this.options.path);
    try {
      this.watcher = watch(dirname(this.options.path), { persistent: false }, (_event, file) => {
        if (file === null || file === name || file.startsWith('..')) this.schedule();
      });
      this.watcher.on('error', (error) => this.watchFailed(error));
    } catch (error) {
      this.watchFailed(error);
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), this.options.debounceMs);
    this.timer.unref();
  }

  private watchFailed(error: unknown): void {
    const message = `brAInwav: watching policy ${this.options.path} failed (${(error as NodeJS.ErrnoException).code ?? 'error'}); reload() still works`;
    this.emit({ type: 'watch-failed', path: this.options.path, message });
  }

  private async loadOnce(): Promise<PolicyStatus> {
    try {
      const text = await readPolicyText(this.options.path);
      if (text === this.text && !this.lastError) return this.status();
      this.current = compilePolicyText(text, this.options.path);
      this.text = text;
      this.loadedAt = this.options.now();
      this.lastError = undefined;
      const status = this.status();
      this.emit({ type: 'loaded', status });
      return status;
    } catch (error) {
      this.lastError = loadError(error, this.options.now());
      const status = this.status();
      this.emit({ type: 'rejected', status, error: this.lastError });
      return status;
    }
  }

  private emit(event: PolicyStoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not stop the others nor the store.
      }
    }
  }
}

/**
 * Loads a policy file and keeps it in force: reloads on file change (fs.watch on its directory, debounced)
 * and on {@link PolicyStore.reload}; an invalid edit keeps the last good policy and marks the store
 * `degraded` (with the path-precise reason) until a valid file is back.
 * @throws PolicyFileError / PolicyValidationError when the first load fails (a server should not start).
 */
export async function openPolicyStore(options: PolicyStoreOptions): Promise<PolicyStore> {
  const text = await readPolicyText(options.path);
  const policy = compilePolicyText(text, options.path);
  const store = new PolicyFileStore(
    { path: options.path, debounceMs: options.debounceMs ?? 100, now: options.now ?? (() => new Date()) },
    { policy, text },
  );
  if (options.watch !== false) store.startWatching();
  return store;
}
