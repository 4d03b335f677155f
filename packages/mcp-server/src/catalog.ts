import type { Tool } from '@modelcontextprotocol/server';
import { GATEWAY_CONNECTOR_ID } from './access.js';
import type { GatewayConnector, GatewayConnectorBinding, GatewayConnectorSource } from './contracts.js';
import type { GatewayLogger } from './logger.js';
import { brandDescription, gatewayToolName, toolAllowed } from './names.js';

/** `_meta` key on every aggregate tool: the id of the connector it belongs to. */
export const META_CONNECTOR = 'io.brainwav/connectorId';
/** `_meta` key on aggregate tools whose name was shortened/sanitized: the upstream tool name. */
export const META_ORIGINAL = 'io.brainwav/originalName';
/** `_meta` key on every aggregate tool: the upstream (unprefixed) tool name. */
export const META_TOOL = 'io.brainwav/tool';

/** Where an aggregate tool name routes to. */
export interface ToolRoute {
  connectorId: string;
  tool: string;
}

/** One tool of the aggregate list, with what the policy decides its listing by. */
export interface ListedTool {
  /** The tool as listed (`<id>__<tool>`, branded description, `_meta`). */
  readonly tool: Tool;
  /** Manifest connector id, or {@link GATEWAY_CONNECTOR_ID} for an extension tool. */
  readonly connectorId: string;
  /** What the policy sees as the tool: the upstream tool name, or the extension tool's name. */
  readonly name: string;
  /** The connector (its `scopes`); undefined for an extension tool. */
  readonly connector: GatewayConnector | undefined;
  /** `JSON.stringify(tool)`, as it appears in the serialized list. */
  readonly json: string;
}

interface Entry {
  binding: GatewayConnectorBinding;
  tools: Tool[];
  loading?: Promise<void>;
  unsubscribe: () => void;
}

/**
 * The aggregate tool list (connector tools sorted by connector id, then `extraTools` of the gateway's
 * extensions), kept in memory and refreshed by each proxy's `onToolsChanged`.
 * Offline connectors keep their last known tools. `onChange` fires only when the aggregate list
 * really changes (compared by its serialized form).
 */
export class ToolCatalog {
  private readonly entries = new Map<string, Entry>();
  private tools: Tool[] = [];
  private listed: readonly ListedTool[] = [];
  private generation = 0;
  private routes = new Map<string, ToolRoute>();
  private signature = '[]';
  private resultJson: Buffer | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribeSource: () => void;
  /** Lazy entries not listed yet: their first listing starts with the first aggregate list. */
  private readonly waiting = new Set<Entry>();

  constructor(
    private readonly source: GatewayConnectorSource,
    private readonly logger: GatewayLogger,
    private readonly initialLoadTimeoutMs: number,
    private readonly extraTools: readonly Tool[] = [],
  ) {
    this.unsubscribeSource = source.subscribe(() => this.sync());
    this.sync();
  }

  /** Subscribe to real changes of the aggregate list; returns an unsubscribe. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  /** The aggregate list; waits (bounded) for connectors whose first listing is still in flight. */
  async list(): Promise<Tool[]> {
    this.startLazy();
    const pending = [...this.entries.values()].flatMap((e) => (e.loading ? [e.loading] : []));
    if (pending.length > 0) await withDeadline(Promise.all(pending), this.initialLoadTimeoutMs);
    return this.tools;
  }

  /**
   * The UTF-8 `tools/list` result (`{"tools":[…]}`), re-encoded only when the list changes; undefined
   * while a connector's first listing is still in flight.
   */
  cachedResultJson(): Buffer | undefined {
    if (this.startLazy()) return undefined;
    for (const entry of this.entries.values()) if (entry.loading) return undefined;
    return (this.resultJson ??= Buffer.from(`{"tools":${this.signature}}`));
  }

  /** Every listed tool with its policy target, in list order (the connector tools, then the extension tools). */
  listing(): readonly ListedTool[] {
    return this.listed;
  }

  /**
   * Bumped on every rebuild (a tools change, a source sync: a connector's `scopes` may have changed), so caches
   * of per-principal lists know when to recompute.
   */
  get version(): number {
    return this.generation;
  }

  /** Route of an aggregate tool name, or undefined. */
  route(name: string): ToolRoute | undefined {
    return this.routes.get(name);
  }

  /** The binding of an enabled connector, or undefined. */
  binding(connectorId: string): GatewayConnectorBinding | undefined {
    return this.entries.get(connectorId)?.binding;
  }

  /** Every enabled binding, sorted by connector id. */
  bindings(): GatewayConnectorBinding[] {
    return [...this.entries.values()]
      .map((e) => e.binding)
      .sort((a, b) => cmp(a.connector.id, b.connector.id));
  }

  close(): void {
    this.unsubscribeSource();
    for (const entry of this.entries.values()) entry.unsubscribe();
    this.entries.clear();
    this.waiting.clear();
    this.listeners.clear();
  }

  private sync(): void {
    const next = new Map(this.source.list().map((b) => [b.connector.id, b]));
    for (const [id, entry] of this.entries) {
      if (next.get(id)?.proxy !== entry.binding.proxy) {
        entry.unsubscribe();
        this.entries.delete(id);
        this.waiting.delete(entry);
      }
    }
    for (const [id, binding] of next) {
      const existing = this.entries.get(id);
      if (existing) existing.binding = binding;
      else this.add(binding);
    }
    this.rebuild();
  }

  private add(binding: GatewayConnectorBinding): void {
    const id = binding.connector.id;
    const entry: Entry = { binding, tools: [], unsubscribe: () => undefined };
    entry.unsubscribe = binding.proxy.onToolsChanged((tools) => this.update(entry, tools));
    this.entries.set(id, entry);
    if (binding.lazy) this.waiting.add(entry);
    else this.load(entry);
  }

  /** Starts the first listing of the lazy entries still waiting for one; whether there was any. */
  private startLazy(): boolean {
    if (this.waiting.size === 0) return false;
    for (const entry of this.waiting) this.load(entry);
    this.waiting.clear();
    return true;
  }

  private load(entry: Entry): void {
    const id = entry.binding.connector.id;
    entry.loading = entry.binding.proxy
      .listTools()
      .then((tools) => this.update(entry, tools))
      .catch((error: unknown) =>
        this.logger.warn({ connectorId: id, err: errorMessage(error) }, 'initial tools/list failed'),
      )
      .finally(() => (entry.loading = undefined));
  }

  private update(entry: Entry, tools: Tool[]): void {
    if (this.entries.get(entry.binding.connector.id) !== entry) return;
    entry.tools = tools;
    this.rebuild();
  }

  private rebuild(): void {
    const listed: ListedTool[] = [];
    const routes = new Map<string, ToolRoute>();
    for (const { binding, tools: upstream } of [...this.entries.values()].sort((a, b) =>
      cmp(a.binding.connector.id, b.binding.connector.id),
    )) {
      const { id, displayName } = binding.connector;
      for (const tool of upstream) {
        if (!toolAllowed(tool.name, binding.connector.tools)) continue;
        const named = gatewayToolName(id, tool.name);
        routes.set(named.name, { connectorId: id, tool: tool.name });
        const listedTool = aggregateTool(
          tool,
          named.name,
          id,
          displayName,
          named.shortened ? named.original : undefined,
        );
        listed.push(entryOf(listedTool, id, tool.name, binding.connector));
      }
    }
    for (const tool of this.extraTools)
      listed.push(entryOf(tool, GATEWAY_CONNECTOR_ID, tool.name, undefined));
    this.listed = listed;
    this.tools = listed.map((l) => l.tool);
    this.routes = routes;
    this.generation += 1;
    const signature = `[${listed.map((l) => l.json).join(',')}]`;
    if (signature === this.signature) return;
    this.signature = signature;
    this.resultJson = undefined;
    for (const cb of this.listeners) cb();
  }
}

function entryOf(
  tool: Tool,
  connectorId: string,
  name: string,
  connector: GatewayConnector | undefined,
): ListedTool {
  return { tool, connectorId, name, connector, json: JSON.stringify(tool) };
}

function aggregateTool(
  tool: Tool,
  name: string,
  connectorId: string,
  displayName: string,
  original?: string,
): Tool {
  return {
    ...tool,
    name,
    description: brandDescription(displayName, tool.description),
    _meta: {
      ...tool._meta,
      [META_CONNECTOR]: connectorId,
      [META_TOOL]: tool.name,
      ...(original ? { [META_ORIGINAL]: original } : {}),
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Message of an unknown error, for logs (never includes request arguments). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
