import { ProtocolError, ProtocolErrorCode, type CallToolResult } from '@modelcontextprotocol/server';
import { deniedMessage, POLICY_DENIED, type Decision, type PolicyDecider } from '@cortex-os/policy';
import type { ConnectorsMetrics } from '@cortex-os/telemetry';
import { BRAND } from './brand.js';
import { META_ERROR } from './meta.js';
import type { Principal } from './principals.js';

/**
 * Connector id under which the policy sees the gateway's own tools and resources (the `extensions`, e.g. the
 * connectors server's MCP Apps dashboard): tool `<extension tool name>`, or the resource's URI. An
 * `unrestrictedPolicy()` allows them; a policy file must allow them explicitly, e.g.
 * `{ effect: allow, connectors: [gateway], tools: [connectors_dashboard, 'ui://*'] }`.
 */
export const GATEWAY_CONNECTOR_ID = 'gateway';

export { deniedMessage, POLICY_DENIED };

/** The structured detail of a denial: `{ code: "POLICY_DENIED", ruleId?, missingScopes? }`. */
export function deniedDetail(decision: Decision): {
  code: typeof POLICY_DENIED;
  ruleId?: string;
  missingScopes?: string[];
} {
  return {
    code: POLICY_DENIED,
    ...(decision.ruleId !== undefined ? { ruleId: decision.ruleId } : {}),
    ...(decision.missingScopes !== undefined ? { missingScopes: [...decision.missingScopes] } : {}),
  };
}

/** The `isError` tool result of a denied call, `_meta["io.brainwav/error"] = { brand, code, ruleId?, missingScopes? }`. */
export function deniedResult(decision: Decision): CallToolResult {
  return {
    content: [{ type: 'text', text: deniedMessage(decision) }],
    isError: true,
    _meta: { [META_ERROR]: { brand: BRAND, ...deniedDetail(decision) } },
  };
}

/** The JSON-RPC error (InvalidParams, data = the denial detail) of a denied `prompts/get` or `resources/read`. */
export function deniedProtocolError(decision: Decision): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, deniedMessage(decision), deniedDetail(decision));
}

const FAILED_CLOSED: Decision = {
  allow: false,
  reason: 'the policy failed to decide (denied)',
};

/** One call decision to make. */
export interface CallQuestion {
  readonly principal: Principal;
  readonly connectorId: string;
  /** Upstream tool (prompt, resource URI) name. */
  readonly tool: string;
  readonly arguments: Readonly<Record<string, unknown>> | undefined;
  readonly requiredScopes: readonly string[] | undefined;
}

/**
 * The gateway's view of its {@link PolicyDecider}: asks it on every decision (a hot-reloading `PolicyStore`
 * answers with the policy in force), counts `brainwav_mcp_policy_decisions_total{decision,connector}` for call
 * decisions, and fails closed if a custom decider throws.
 */
export class AccessControl {
  constructor(
    private readonly decider: PolicyDecider,
    private readonly metrics: ConnectorsMetrics,
  ) {}

  /**
   * Identity of the policy in force: a `PolicyStore`'s `policy` (a new object on every reload), else the decider
   * itself. Caches of list decisions are keyed by it, so a reload invalidates them.
   */
  get identity(): object {
    const policy = (this.decider as { policy?: unknown }).policy;
    return typeof policy === 'object' && policy !== null ? policy : this.decider;
  }

  /** Whether `tool` of `connectorId` may appear in the principal's lists (phase `list`). */
  mayList(
    principal: Principal,
    connectorId: string,
    tool: string,
    requiredScopes: readonly string[] | undefined,
  ): boolean {
    try {
      return this.decider.mayList(principal, connectorId, tool, requiredScopes);
    } catch {
      return false;
    }
  }

  /** Decides one call (phase `call`) and counts it. */
  decideCall(question: CallQuestion): Decision {
    let decision: Decision;
    try {
      decision = this.decider.decide({
        principal: question.principal,
        connectorId: question.connectorId,
        tool: question.tool,
        phase: 'call',
        ...(question.arguments !== undefined ? { arguments: question.arguments } : {}),
        ...(question.requiredScopes !== undefined ? { requiredScopes: question.requiredScopes } : {}),
      });
    } catch {
      decision = FAILED_CLOSED;
    }
    this.metrics.policyDecisionsTotal.inc({
      decision: decision.allow ? 'allow' : 'deny',
      connector: question.connectorId,
    });
    return decision;
  }

  /**
   * Subscribes to policy changes when the decider reports them (a `PolicyStore`'s `loaded` events); returns the
   * unsubscribe (a no-op for a decider without events).
   */
  onChange(cb: () => void): () => void {
    const on = (this.decider as { on?: unknown }).on;
    if (typeof on !== 'function') return () => undefined;
    const off = (on as (listener: (event: { type?: unknown }) => void) => unknown).call(
      this.decider,
      (event) => {
        if (event?.type === 'loaded') cb();
      },
    );
    return typeof off === 'function' ? (off as () => void) : () => undefined;
  }
}
