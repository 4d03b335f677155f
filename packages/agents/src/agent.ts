import type { ServiceMapConnector } from '@cortex-os/connectors-manifest';
import type { PolicyDecider, Principal } from '@cortex-os/policy';
import { createSilentLogger } from '@cortex-os/telemetry';
import { Agent, type Model } from '@openai/agents';
import { AgentsConfigError } from './errors.js';
import { parseFallback, type FallbackConfig, type ResolvedFallback } from './fallback.js';
import { defaultSleep, type ExecuteDeps, type Sleep } from './invoke.js';
import type { ConnectorsRegistry } from './registry.js';
import { freezePrincipal, PolicyGate } from './policy-gate.js';
import { buildFunctionTool, type McpTool, type SurfaceTool } from './tools.js';
import type { AgentsLogger } from './types.js';

/** The part of a {@link ConnectorsRegistry} the agent uses. */
export type SurfaceRegistry = Pick<ConnectorsRegistry, 'connectors' | 'proxy'>;

/** Options of {@link createExecutionSurfaceAgent}. */
export interface ExecutionSurfaceAgentOptions {
  /** A ready registry (`await registry.ready()` first). */
  readonly registry: SurfaceRegistry;
  /** System prompt of the agent. */
  readonly instructions: string;
  /** Model name or `Model` instance (default: the SDK's default model). */
  readonly model?: string | Model;
  /** Agent name (default `brAInwav execution surface`). */
  readonly name?: string;
  /** Connector ids the agent may use (default: every connector of the map). */
  readonly allowedSurfaces?: readonly string[];
  /** Fallback policies per connector / tool (default policy `fail`). */
  readonly fallback?: FallbackConfig;
  /** Timeout of each upstream tool call, milliseconds (default: the proxy's own). */
  readonly toolTimeoutMs?: number;
  /** Timeout of each connector's `listTools` during discovery, milliseconds (default 10000). */
  readonly discoveryTimeoutMs?: number;
  /** pino-compatible logger (default: silent). */
  readonly logger?: AgentsLogger;
  /** Backoff sleeper of the `retry` policy (default `setTimeout`); inject to test without waiting. */
  readonly sleep?: Sleep;
  /**
   * Policy applied locally (`@cortex-os/policy`: a compiled policy, `unrestrictedPolicy()` or a hot-reloading
   * `PolicyStore`): the agent gets only the tools `principal` may list, and every call is decided first.
   * Default none: every discovered tool, no decision.
   */
  readonly policy?: PolicyDecider;
  /** Who the agent acts for (required with `policy`, refused without it). */
  readonly principal?: Principal;
}

/** What {@link ExecutionSurfaceAgent.refreshTools} found. */
export interface ToolDiscoveryReport {
  /** Connectors whose tools were listed now. */
  readonly listed: readonly string[];
  /** Allowed connectors that could not be listed (disabled or unreachable); their last known tools are kept. */
  readonly unavailable: readonly string[];
  /** Agent tool names after the refresh. */
  readonly tools: readonly string[];
}

/**
 * An `@openai/agents` `Agent` whose tools are the registry's connector tools (`<connectorId>__<tool>`,
 * non-strict JSON Schema parameters). Build it with `createExecutionSurfaceAgent`, which discovers the
 * tools; call {@link refreshTools} after the map or an upstream's tool list changed.
 */
export class ExecutionSurfaceAgent extends Agent {
  readonly #registry: SurfaceRegistry;
  readonly #fallback: ResolvedFallback;
  readonly #deps: ExecuteDeps;
  readonly #allowed: readonly string[] | undefined;
  readonly #catalog = new Map<string, readonly McpTool[]>();
  readonly #discoveryTimeoutMs: number;
  readonly #toolTimeoutMs: number | undefined;
  readonly #gate: PolicyGate | undefined;
  /** Manifest scopes by connector id of the last connector list seen (the map's array identity). */
  #scopes: { list: readonly ServiceMapConnector[]; byId: Map<string, readonly string[]> } | undefined;
  #surfaces: readonly SurfaceTool[] = [];
  #allowedNow: readonly string[] = [];

  /** Prefer `createExecutionSurfaceAgent` (it discovers tools). @throws AgentsConfigError `CONFIG_INVALID`. */
  constructor(o: ExecutionSurfaceAgentOptions) {
    super({
      name: o.name ?? 'brAInwav execution surface',
      instructions: o.instructions,
      ...(o.model ? { model: o.model } : {}),
      tools: [],
    });
    if (!o.instructions) throw new AgentsConfigError('instructions must be a non-empty string');
    this.#registry = o.registry;
    this.#fallback = parseFallback(o.fallback);
    this.#allowed = o.allowedSurfaces ? [...new Set(o.allowedSurfaces)].sort() : undefined;
    const logger = o.logger ?? createSilentLogger('agents.agent');
    this.#gate = gateOf(o, (id) => this.#scopesOf(id), logger);
    this.#deps = {
      registry: o.registry,
      sleep: o.sleep ?? defaultSleep,
      logger,
      ...(this.#gate ? { gate: this.#gate } : {}),
    };
    this.#discoveryTimeoutMs = o.discoveryTimeoutMs ?? 10_000;
    this.#toolTimeoutMs = o.toolTimeoutMs;
  }

  /** Connector ids this agent may call: the configured list, or every connector of the map at the last refresh. */
  get allowedSurfaces(): readonly string[] {
    return this.#allowed ?? this.#allowedNow;
  }

  /** The principal the agent's policy decides for (`undefined` without a policy). */
  get principal(): Principal | undefined {
    return this.#gate?.principal;
  }

  /** Every agent tool and the connector tool it maps to. */
  get surfaceTools(): readonly SurfaceTool[] {
    return this.#surfaces;
  }

  /**
   * Lists the tools of every allowed enabled connector (in parallel) and rebuilds `agent.tools`.
   * Disabled or unreachable connectors keep their last known tools, whose calls then follow their
   * fallback policy. Throws what `registry.connectors()` throws (e.g. `CONNECTORS_MAP_EXPIRED`).
   */
  async refreshTools(): Promise<ToolDiscoveryReport> {
    const inMap = this.#registry.connectors();
    this.#allowedNow = inMap.map((c) => c.id);
    this.#scopesFrom(inMap);
    const allowed = new Set(this.allowedSurfaces);
    const targets = inMap.filter((c) => allowed.has(c.id));
    for (const id of this.#catalog.keys()) if (!targets.some((c) => c.id === id)) this.#catalog.delete(id);
    const listed: string[] = [];
    const unavailable: string[] = [];
    await Promise.all(
      targets.map(async (c) => {
        const tools = c.status === 'enabled' ? await this.#list(c.id) : undefined;
        if (tools) this.#catalog.set(c.id, tools);
        (tools ? listed : unavailable).push(c.id);
      }),
    );
    this.#rebuild();
    return {
      listed: listed.sort(),
      unavailable: unavailable.sort(),
      tools: this.#surfaces.map((s) => s.name),
    };
  }

  /**
   * Rebuilds `agent.tools` from the last discovered tools under the policy in force, without listing
   * upstream (call it after a policy reload, or use `followPolicyStore`). Returns the agent tool names.
   * Without a policy it only rebuilds the same tools.
   */
  applyPolicy(): readonly string[] {
    this.#rebuild();
    return this.#surfaces.map((s) => s.name);
  }

  /** Manifest scopes of a connector in the map in force (else in the last map seen: expired or closed). */
  #scopesOf(connectorId: string): readonly string[] | undefined {
    try {
      this.#scopesFrom(this.#registry.connectors());
    } catch {
      // no usable map: a call fails upstream anyway; decide on the last known scopes
    }
    return this.#scopes?.byId.get(connectorId);
  }

  #scopesFrom(list: readonly ServiceMapConnector[]): void {
    if (this.#scopes?.list === list) return;
    this.#scopes = { list, byId: new Map(list.map((c) => [c.id, c.scopes])) };
  }

  async #list(connectorId: string): Promise<readonly McpTool[] | undefined> {
    try {
      return await this.#registry.proxy(connectorId).listTools(AbortSignal.timeout(this.#discoveryTimeoutMs));
    } catch (err) {
      this.#deps.logger.warn(
        { connectorId, code: (err as { code?: string }).code },
        'brAInwav: tool discovery failed',
      );
      return undefined;
    }
  }

  #isAvailable = (connectorId: string): boolean => {
    try {
      const p = this.#registry.proxy(connectorId);
      return p.state !== 'down' && p.state !== 'closed' && p.breaker !== 'open';
    } catch {
      return false;
    }
  };

  #rebuild(): void {
    const built = [...this.#catalog.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([connectorId, tools]) =>
        tools
          .filter((mcpTool) => this.#gate?.mayList(connectorId, mcpTool.name) ?? true)
          .map((mcpTool) =>
            buildFunctionTool({
              connectorId,
              mcpTool,
              fallback: this.#fallback,
              deps: this.#deps,
              isAvailable: this.#isAvailable,
              ...(this.#toolTimeoutMs ? { timeoutMs: this.#toolTimeoutMs } : {}),
              ...(this.#gate ? { gate: this.#gate } : {}),
            }),
          ),
      );
    this.tools = built.map((b) => b.tool);
    this.#surfaces = built.map((b) => b.surface);
  }
}

/** The agent's policy gate, or `undefined` without a policy. @throws AgentsConfigError on a bad pairing. */
function gateOf(
  o: ExecutionSurfaceAgentOptions,
  scopesOf: (connectorId: string) => readonly string[] | undefined,
  logger: AgentsLogger,
): PolicyGate | undefined {
  if (o.policy === undefined) {
    if (o.principal !== undefined)
      throw new AgentsConfigError('principal is set without policy: pass policy (e.g. unrestrictedPolicy())');
    return undefined;
  }
  if (typeof o.policy?.decide !== 'function' || typeof o.policy.mayList !== 'function')
    throw new AgentsConfigError('policy must be a PolicyDecider (decide and mayList)');
  if (o.principal === undefined) throw new AgentsConfigError('principal is required when policy is set');
  return new PolicyGate(o.policy, freezePrincipal(o.principal), scopesOf, logger);
}

/**
 * Creates an {@link ExecutionSurfaceAgent} and discovers its tools (`listTools` on every allowed
 * enabled connector), so the returned agent is ready for `run(agent, input)`.
 * @throws AgentsConfigError `CONFIG_INVALID` (bad options / fallback config, path named; `policy` without
 *   `principal` or a malformed principal), and what
 *   `registry.connectors()` throws (`NOT_READY`, `CONNECTORS_MAP_EXPIRED`).
 */
export async function createExecutionSurfaceAgent(
  options: ExecutionSurfaceAgentOptions,
): Promise<ExecutionSurfaceAgent> {
  const agent = new ExecutionSurfaceAgent(options);
  await agent.refreshTools();
  return agent;
}
