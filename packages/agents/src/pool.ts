import type { ServiceMapConnector } from '@cortex-os/connectors-manifest';
import type { RemoteToolProxy } from '@cortex-os/mcp-bridge';
import type { AgentsLogger } from './types.js';

/**
 * Creates the proxy of one enabled connector. Must be lazy: nothing may be sent upstream before the
 * proxy's first use. Default: `createRemoteToolProxy` from `@cortex-os/mcp-bridge`.
 */
export type ProxyFactory = (connector: ServiceMapConnector) => RemoteToolProxy;

/** Why a proxy left the pool. */
export type CloseReason =
  'disabled' | 'removed' | 'config-changed' | 'CONNECTORS_MAP_EXPIRED' | 'registry-closed';

/** Result of {@link ProxyPool.sync}. */
export interface SyncResult {
  readonly hydrated: string[];
  readonly closed: { id: string; reason: CloseReason }[];
  /** Resolves once every removed proxy finished closing (errors are logged). */
  readonly closing: Promise<void>;
}

interface PoolEntry {
  readonly key: string;
  readonly proxy: RemoteToolProxy;
  readonly unsubscribe: () => void;
}

/**
 * Config identity of a connector: its JSON without the map-only status fields. Verified maps are
 * schema-parsed, so key order is stable; a spurious difference would only recreate a lazy proxy.
 */
export function connectorKey(connector: ServiceMapConnector): string {
  const { status: _status, statusMessage: _message, ...config } = connector;
  return JSON.stringify(config);
}

/** One proxy per enabled connector, reused while its config is unchanged. */
export class ProxyPool {
  readonly #entries = new Map<string, PoolEntry>();

  constructor(
    private readonly factory: ProxyFactory,
    private readonly logger: AgentsLogger,
    private readonly onAvailability: (connectorId: string, up: boolean, reason: string) => void,
  ) {}

  /** The proxy of `id`, if it is hydrated. */
  get(id: string): RemoteToolProxy | undefined {
    return this.#entries.get(id)?.proxy;
  }

  /** Ids of the hydrated connectors. */
  ids(): string[] {
    return [...this.#entries.keys()];
  }

  /** Reconciles the pool with `connectors`: creates, keeps, recreates or closes proxies. */
  sync(connectors: readonly ServiceMapConnector[]): SyncResult {
    const wanted = new Map<string, ServiceMapConnector>();
    for (const c of connectors) wanted.set(c.id, c);
    const closed: SyncResult['closed'] = [];
    const toClose: PoolEntry[] = [];
    const hydrated: string[] = [];
    for (const [id, entry] of this.#entries) {
      const next = wanted.get(id);
      const reason: CloseReason | undefined = !next
        ? 'removed'
        : next.status !== 'enabled'
          ? 'disabled'
          : undefined;
      if (reason || (next && connectorKey(next) !== entry.key)) {
        closed.push({ id, reason: reason ?? 'config-changed' });
        toClose.push(entry);
        this.#entries.delete(id);
      }
    }
    for (const c of connectors) {
      if (c.status !== 'enabled' || this.#entries.has(c.id)) continue;
      const entry = this.#create(c);
      if (!entry) continue;
      this.#entries.set(c.id, entry);
      hydrated.push(c.id);
    }
    return { hydrated, closed, closing: this.#closeEntries(toClose) };
  }

  /** Closes every proxy (registry close or map expiry). */
  closeAll(reason: CloseReason): SyncResult {
    const entries = [...this.#entries.entries()];
    this.#entries.clear();
    return {
      hydrated: [],
      closed: entries.map(([id]) => ({ id, reason })),
      closing: this.#closeEntries(entries.map(([, e]) => e)),
    };
  }

  #create(connector: ServiceMapConnector): PoolEntry | undefined {
    let proxy: RemoteToolProxy;
    try {
      proxy = this.factory(connector);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      this.logger.warn(
        { connectorId: connector.id, code },
        'brAInwav: proxy could not be created; connector unavailable',
      );
      this.onAvailability(connector.id, false, typeof code === 'string' ? code : 'PROXY_CREATE_FAILED');
      return undefined;
    }
    const unsubscribe = proxy.onAvailability((e) => this.onAvailability(connector.id, e.up, e.reason));
    return { key: connectorKey(connector), proxy, unsubscribe };
  }

  async #closeEntries(entries: PoolEntry[]): Promise<void> {
    await Promise.all(
      entries.map(async (e) => {
        e.unsubscribe();
        try {
          await e.proxy.close();
        } catch (err) {
          this.logger.warn({ connectorId: e.proxy.connectorId, err }, 'brAInwav: proxy close failed');
        }
      }),
    );
  }
}
