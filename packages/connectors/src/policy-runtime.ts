import {
  openPolicyStore,
  unrestrictedPolicy,
  type PolicyDecider,
  type PolicyStatus,
  type PolicyStore,
  type PolicyStoreEvent,
} from '@cortex-os/policy';
import type { Logger } from '@cortex-os/telemetry';

/** The policy in force on `/readyz`: `off` without a policy file, `degraded` while its latest edit is refused. */
export type PolicyHealth =
  | { readonly state: 'off' }
  | {
      readonly state: 'ok' | 'degraded';
      readonly path: string;
      readonly rules: number;
      readonly loadedAt: string;
      readonly reason?: string;
    };

/** The server's policy: decides every list and call, reloads on file change and {@link reload} (SIGHUP). */
export interface ServerPolicy {
  readonly decider: PolicyDecider;
  /** Changes whenever the policy in force changes (cache keys of per-principal views). */
  readonly generation: () => number;
  health(): PolicyHealth;
  /** Re-reads the file now; never rejects (a bad file leaves the last good policy in force, `degraded`). */
  reload(): Promise<PolicyHealth>;
  close(): void;
}

function healthOf(status: PolicyStatus): PolicyHealth {
  return {
    state: status.state,
    path: status.path,
    rules: status.rules,
    loadedAt: status.loadedAt.toISOString(),
    ...(status.lastError ? { reason: status.lastError.message } : {}),
  };
}

function logEvent(logger: Logger, event: PolicyStoreEvent): void {
  if (event.type === 'loaded')
    logger.info({ path: event.status.path, rules: event.status.rules }, 'brAInwav: policy loaded');
  else if (event.type === 'rejected')
    logger.error(
      { path: event.status.path, code: event.error.code, reason: event.error.message },
      'brAInwav: policy edit refused; the last good policy stays in force',
    );
  else logger.warn({ path: event.path }, event.message);
}

function storePolicy(store: PolicyStore, logger: Logger): ServerPolicy {
  let generation = 0;
  store.on((event) => {
    if (event.type === 'loaded') generation += 1;
    logEvent(logger, event);
  });
  return {
    decider: store,
    generation: () => generation,
    health: () => healthOf(store.status()),
    reload: async () => healthOf(await store.reload()),
    close: () => store.close(),
  };
}

const OFF: PolicyHealth = Object.freeze({ state: 'off' });

/**
 * Opens `policyFile` (hot reloaded; an invalid first load throws, so the server does not start on a bad
 * policy) or, without one, the unrestricted policy (every call allowed once a token holds the connector's
 * required scopes).
 * @throws PolicyFileError / PolicyValidationError with a path-precise, branded message.
 */
export async function openServerPolicy(
  policyFile: string | undefined,
  logger: Logger,
): Promise<ServerPolicy> {
  if (policyFile === undefined) {
    const decider = unrestrictedPolicy();
    return {
      decider,
      generation: () => 0,
      health: () => OFF,
      reload: () => Promise.resolve(OFF),
      close() {},
    };
  }
  const store = await openPolicyStore({ path: policyFile });
  logger.info({ path: policyFile, rules: store.status().rules }, 'brAInwav: policy loaded');
  return storePolicy(store, logger);
}
