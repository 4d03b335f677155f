import type { ServiceMapConnector } from '@cortex-os/connectors-manifest';
import type { RemoteToolProxy } from '@cortex-os/mcp-bridge';
import type { AgentsLogger } from './types.js';

/**
 * Creates the proxy of one enabled connector. Must be lazy: nothing may be sent upstream before the
 * proxy's first use. Default: `createRemoteToolProxy` from `@cortex-os/mcp-bridge`.
 */
export type ProxyFactory = (connector: ServiceMapConnector) => RemoteToolProxy;

/** Why a connector's slot (and its proxy, if instantiated) left the pool. */
export type CloseReason =
  'disabled' | 'removed' | 'config-changed' | 'CONNECTORS_MAP_EXPIRED' | 'registry-closed';

/** Result of {@link ProxyPool.sync}. */
export interface SyncResult {
  /** Connectors that got a new slot (new, newly enabled, or config changed). */
  readonly hydrated: string[];
  /** Connectors whose slot was dropped, with why. */
  readonly closed: { id: string; reason: CloseReason }[];
  /** Resolves once every dropped proxy finished closing (errors are logged). */
  readonly closing: Promise<void>;
}

interface PoolEntry {
  readonly key: string;
  readonly connector: ServiceMapConnector;
  proxy?: RemoteToolProxy;
  unsubscribe?: () => void;
  /** The factory failed for this config: the code, so it is not retried until the config changes. */
  failed?: string;
}

/**
 * Config identity of a connector: its JSON without the map-only status fields. Verified maps are
 * schema-parsed, so key order is stable; a spurious difference would only recreate a lazy proxy.
 */
export function connectorKey(connector: ServiceMapConnector): string {
  const { status: _status, statusMessage: _message, ...config } = connector;
  return JSON.stringify(config);
}

/**
 * One slot per enabled connector; its proxy is instantiated on first {@link ProxyPool.get} and reused
 * while the connector's config is unchanged (a 1,000-connector map costs no proxy until one is used).
 */
export class ProxyPool {
  readonly #entries = new Map<string, PoolEntry>();

  constructor(
    private readonly factory: ProxyFactory,
    private readonly logger: AgentsLogger,
    private readonly onAvailability: (connectorId: string, up: boolean, reason: string) => void,
  ) {}

  /** Whether `id` has a slot (enabled in the map in force). */
  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** The proxy of `id`, instantiated on first use; `undefined` without a slot or when the factory failed. */
  get(id: string): RemoteToolProxy | undefined {
    const entry = this.#entries.get(id);
    if (!entry || entry.failed) return undefined;
    if (!entry.proxy) this.#instantiate(entry);
    return entry.proxy;
  }

  /** Why the factory failed for `id`, if it did. */
  failure(id: string): string | undefined {
    return this.#entries.get(id)?.failed;
  }

  /** Reconciles the slots with `connectors`: keeps, adds, replaces (config changed) or drops them. */
  sync(connectors: readonly ServiceMapConnector[]): SyncResult {
    const wanted = new Map<string, ServiceMapConnector>();
    for (const c of connectors) if (c.status === 'enabled') wanted.set(c.id, c);
    const present = new Set(connectors.map((c) => c.id));
    const closed: SyncResult['closed'] = [];
    const dropped: PoolEntry[] = [];
    const hydrated: string[] = [];
    for (const [id, entry] of this.#entries) {
      const next = wanted.get(id);
      if (next && connectorKey(next) === entry.key) continue;
      closed.push({ id, reason: next ? 'config-changed' : present.has(id) ? 'disabled' : 'removed' });
      dropped.push(entry);
      this.#entries.delete(id);
    }
    for (const [id, c] of wanted) {
      if (this.#entries.has(id)) continue;
      this.#entries.set(id, { key: connectorKey(c), connector: c });
      hydrated.push(id);
    }
    return { hydrated, closed, closing: this.#closeEntries(dropped) };
  }

  /** Drops every slot and closes every instantiated proxy (registry close or map expiry). */
  closeAll(reason: CloseReason): SyncResult {
    const entries = [...this.#entries.entries()];
    this.#entries.clear();
    return {
      hydrated: [],
      closed: entries.map(([id]) => ({ id, reason })),
      closing: this.#closeEntries(entries.map(([, e]) => e)),
    };
  }

  #instantiate(entry: PoolEntry): void {
    const id = entry.connector.id;
    try {
      entry.proxy = this.factory(entry.connector);
      entry.unsubscribe = entry.proxy.onAvailability((e) => this.onAvailability(id, e.up, e.reason));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      entry.failed = typeof code === 'string' ? code : 'PROXY_CREATE_FAILED';
      this.logger.warn({ connectorId: id, code: entry.failed }, 'brAInwav: proxy could not be created');
      this.onAvailability(id, false, entry.failed);
    }
  }

  async #closeEntries(entries: PoolEntry[]): Promise<void> {
    await Promise.all(
      entries.map(async (e) => {
        e.unsubscribe?.();
        try {
          await e.proxy?.close();
        } catch (err) {
          this.logger.warn({ connectorId: e.connector.id, err }, 'brAInwav: proxy close failed');
        }
      }),
    );
  }
}
