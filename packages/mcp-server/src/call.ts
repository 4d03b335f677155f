import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { SPAN_PROXY_CALL, withSpan, type ConnectorsMetrics } from '@cortex-os/telemetry';
import { deniedResult, type AccessControl } from './access.js';
import type { AuditSink, CallOutcome } from './audit.js';
import { BRAND, branded } from './brand.js';
import { errorMessage } from './catalog.js';
import type { GatewayConnector } from './contracts.js';
import { QuotaExceededError, QuotaStoreError } from './errors.js';
import type { GatewayLogger } from './logger.js';
import { requiredScopesFor, type Principal } from './principals.js';
import type { QuotaGuard } from './quota.js';
import type { ToolLabels } from './tool-labels.js';
import { META_ERROR } from './meta.js';

export { META_ERROR };

/** Everything one tool call needs to be decided, metered, audited and traced. */
export interface CallContext {
  connector: GatewayConnector;
  /** Upstream tool name. */
  tool: string;
  /** Who calls: decided on by the policy; its subject and `via` go in the audit line (never its claims). */
  principal: Principal;
  /** The call's arguments, for the policy's CEL conditions (never logged or audited). */
  arguments: Record<string, unknown> | undefined;
  endpoint: 'aggregate' | 'connector' | 'rest';
}

/** Shared services of the call pipeline. */
export interface CallDeps {
  quota: QuotaGuard;
  /** The policy: asked before the quota and the upstream. */
  access: AccessControl;
  metrics: ConnectorsMetrics;
  audit: AuditSink | undefined;
  logger: GatewayLogger;
  clock: () => number;
  /** Bounded `tool` label values of the call metrics (one set per gateway). */
  toolLabels: ToolLabels;
}

/** How the pipeline classifies an exception thrown by the upstream call. */
export type FailureKind = 'offline' | 'failed' | 'cancelled' | 'rethrow';

/**
 * Runs one tool call through span `connectors.proxy.call` → policy → quota → upstream, then records
 * `brainwav_mcp_tool_calls_total{connector,tool,outcome}`, the duration histogram and one audit
 * line. Denied, over quota and offline answers are `isError` results (never thrown): the session and the
 * other connectors are unaffected. A denied call spends no quota and never reaches the upstream.
 * `classify` decides what an upstream exception means; `rethrow` errors propagate (faithful passthrough
 * of upstream protocol errors).
 */
export async function runToolCall(
  deps: CallDeps,
  ctx: CallContext,
  classify: (error: unknown) => FailureKind,
  invoke: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const started = performance.now();
  const id = ctx.connector.id;
  return withSpan(
    SPAN_PROXY_CALL,
    { 'connector.id': id, 'tool.name': ctx.tool, 'mcp.endpoint': ctx.endpoint },
    async (span) => {
      const spanTraceId = span.spanContext().traceId;
      let outcome: CallOutcome = 'failed';
      let ruleId: string | undefined;
      try {
        const decision = decide(deps, ctx);
        ruleId = decision.ruleId;
        if (!decision.allow) {
          outcome = 'denied';
          return deniedResult(decision);
        }
        await deps.quota.charge(id, ctx.connector.quotas, deps.clock());
        const result = await invoke();
        outcome = result.isError === true ? 'error' : 'ok';
        span.setAttribute('is_error', outcome === 'error');
        return result;
      } catch (error) {
        const handled = handleFailure(deps, ctx, error, classify);
        outcome = handled.outcome;
        if (handled.result) return handled.result;
        throw error;
      } finally {
        const seconds = (performance.now() - started) / 1000;
        const tool = deps.toolLabels.of(id, ctx.tool);
        deps.metrics.toolCallsTotal.inc({ connector: id, tool, outcome });
        deps.metrics.toolCallDurationSeconds.observe({ connector: id, tool }, seconds);
        deps.audit?.write({
          ts: new Date(deps.clock()).toISOString(),
          brand: BRAND,
          callerId: ctx.principal.subject,
          via: ctx.principal.via,
          connectorId: id,
          tool: ctx.tool,
          outcome,
          ...(ruleId !== undefined ? { ruleId } : {}),
          durationMs: Math.round(seconds * 1000),
          traceId: validTraceId(spanTraceId),
          endpoint: ctx.endpoint,
        });
      }
    },
  );
}

/** The policy's call decision; a denial is logged with the subject and rule id (never arguments or claims). */
function decide(deps: CallDeps, ctx: CallContext) {
  const { principal, connector, tool } = ctx;
  const decision = deps.access.decideCall({
    principal,
    connectorId: connector.id,
    tool,
    arguments: ctx.arguments,
    requiredScopes: requiredScopesFor(principal, connector),
  });
  if (!decision.allow) {
    deps.logger.info(
      {
        connectorId: connector.id,
        tool,
        subject: principal.subject,
        via: principal.via,
        ruleId: decision.ruleId,
        missingScopes: decision.missingScopes,
      },
      'policy denied a tool call',
    );
  }
  return decision;
}

function handleFailure(
  deps: CallDeps,
  ctx: CallContext,
  error: unknown,
  classify: (error: unknown) => FailureKind,
): { outcome: CallOutcome; result?: CallToolResult } {
  const id = ctx.connector.id;
  if (error instanceof QuotaExceededError) {
    deps.metrics.quotaExceededTotal.inc({ connector: id });
    const text = `${error.message} (code QUOTA_EXCEEDED, retryAfterSeconds=${error.retryAfterSeconds})`;
    return {
      outcome: 'quota_exceeded',
      result: errorResult(text, {
        code: error.code,
        retryAfterSeconds: error.retryAfterSeconds,
        window: error.window,
      }),
    };
  }
  if (error instanceof QuotaStoreError) {
    deps.logger.error({ connectorId: id, err: errorMessage(error.cause) }, 'quota store failed');
    return { outcome: 'failed', result: errorResult(error.message, { code: error.code }) };
  }
  const kind = classify(error);
  if (kind === 'rethrow') return { outcome: 'failed' };
  if (kind === 'cancelled') return { outcome: 'cancelled' };
  if (kind === 'offline') {
    deps.metrics.offlineFallbackTotal.inc({ connector: id });
    deps.logger.warn(
      { connectorId: id, tool: ctx.tool, err: errorMessage(error) },
      'connector offline: fallback result',
    );
    const text = `connector "${ctx.connector.displayName}" (${id}) is offline; tool "${ctx.tool}" is unavailable right now`;
    return { outcome: 'offline', result: errorResult(text, { code: 'UPSTREAM_UNAVAILABLE' }) };
  }
  deps.logger.warn({ connectorId: id, tool: ctx.tool, err: errorMessage(error) }, 'tool call failed');
  const text = `tool "${ctx.tool}" of connector "${id}" failed: ${safeReason(error)}`;
  return { outcome: 'failed', result: errorResult(text, { code: 'TOOL_CALL_FAILED' }) };
}

/** A branded `isError` tool result carrying `{ code, … }` under `_meta["io.brainwav/error"]`. */
export function errorResult(message: string, detail: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: branded(message) }],
    isError: true,
    _meta: { [META_ERROR]: { brand: BRAND, ...detail } },
  };
}

function safeReason(error: unknown): string {
  const message = errorMessage(error).replace(/^brAInwav: /, '');
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/** The span's trace id, or a fresh random one (same 32-hex shape) when tracing is off (all zeros). */
function validTraceId(traceId: string): string {
  return /^0+$/.test(traceId) ? randomUUID().replaceAll('-', '') : traceId;
}
