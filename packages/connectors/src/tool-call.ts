import { performance } from 'node:perf_hooks';
import { BRAND, branded } from '@cortex-os/connectors-manifest';
import { META_ERROR, QuotaExceededError, toolAllowed, type AuditSink, type CallOutcome, type QuotaGuard } from '@cortex-os/mcp-server';
import { SPAN_PROXY_CALL, withSpan, type ConnectorsMetrics } from '@cortex-os/telemetry';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { ConnectorNotFoundError } from './errors.js';
import type { ConnectorsRuntime } from './runtime.js';

/** Services of a REST tool call: the gateway's quota store (same key prefix), metrics and audit sink. */
export interface ToolCallDeps {
  readonly runtime: ConnectorsRuntime;
  readonly quota: QuotaGuard;
  readonly metrics: ConnectorsMetrics;
  readonly audit: AuditSink;
  readonly clock: () => number;
  /** Upstream call timeout, milliseconds. */
  readonly timeoutMs: number;
}

/** One tool call requested over REST. */
export interface ToolCallRequest {
  readonly connectorId: string;
  readonly tool: string;
  readonly args: Record<string, unknown> | undefined;
  readonly callerId: string;
  readonly signal: AbortSignal;
}

function errorResult(message: string, detail: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: branded(message) }], isError: true, _meta: { [META_ERROR]: { brand: BRAND, ...detail } } };
}

function failure(connectorId: string, tool: string, error: unknown): { outcome: CallOutcome; result: CallToolResult } {
  if (error instanceof QuotaExceededError) {
    const detail = { code: error.code, retryAfterSeconds: error.retryAfterSeconds, window: error.window };
    return { outcome: 'quota_exceeded', result: errorResult(`${error.message} (code QUOTA_EXCEEDED, retryAfterSeconds=${error.retryAfterSeconds})`, detail) };
  }
  const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'TOOL_CALL_FAILED';
  const offline = /UNAVAILABLE|CIRCUIT_OPEN|PROXY_CLOSED/.test(code);
  const message = offline
    ? `connector "${connectorId}" is offline; tool "${tool}" is unavailable right now`
    : `tool "${tool}" of connector "${connectorId}" failed: ${String((error as Error).message ?? error).replace(/^brAInwav: /, '').slice(0, 200)}`;
  return { outcome: offline ? 'offline' : 'failed', result: errorResult(message, { code: offline ? 'UPSTREAM_UNAVAILABLE' : code }) };
}

/**
 * Calls a connector tool for the REST API with the gateway's rules: the connector's `tools` filter,
 * quotas charged in the gateway's store, `brainwav_mcp_tool_calls_total` / duration metrics, one audit
 * line, span `connectors.proxy.call`. Failures are `isError` results (code under `_meta["io.brainwav/error"]`).
 * @throws ConnectorNotFoundError `CONNECTOR_NOT_FOUND`, NotReadyError `NOT_READY`.
 */
export async function callConnectorTool(deps: ToolCallDeps, req: ToolCallRequest): Promise<CallToolResult> {
  const entry = deps.runtime.map().connectors.find((c) => c.id === req.connectorId);
  if (!entry) throw new ConnectorNotFoundError(req.connectorId);
  if (entry.status !== 'enabled') return errorResult(`connector "${entry.id}" is disabled`, { code: 'UPSTREAM_UNAVAILABLE' });
  if (!toolAllowed(req.tool, entry.tools)) return errorResult(`tool "${req.tool.slice(0, 64)}" is not exposed by connector "${entry.id}"`, { code: 'NOT_FOUND' });
  const started = performance.now();
  const attrs = { 'connector.id': entry.id, 'tool.name': req.tool, 'mcp.endpoint': 'rest' };
  return withSpan(SPAN_PROXY_CALL, attrs, async (span) => {
    let outcome: CallOutcome = 'failed';
    try {
      await deps.quota.charge(entry.id, entry.quotas, deps.clock());
      const result = await deps.runtime.registry.proxy(entry.id).callTool(req.tool, req.args, { signal: req.signal, timeoutMs: deps.timeoutMs });
      outcome = result.isError === true ? 'error' : 'ok';
      return result;
    } catch (error) {
      const handled = failure(entry.id, req.tool, error);
      outcome = req.signal.aborted ? 'cancelled' : handled.outcome;
      if (outcome === 'offline') deps.metrics.offlineFallbackTotal.inc({ connector: entry.id });
      if (outcome === 'quota_exceeded') deps.metrics.quotaExceededTotal.inc({ connector: entry.id });
      return handled.result;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      deps.metrics.toolCallsTotal.inc({ connector: entry.id, tool: req.tool, outcome });
      deps.metrics.toolCallDurationSeconds.observe({ connector: entry.id, tool: req.tool }, seconds);
      const traceId = span.spanContext().traceId;
      deps.audit.write({
        ts: new Date(deps.clock()).toISOString(), brand: BRAND, callerId: req.callerId, connectorId: entry.id, tool: req.tool,
        outcome, durationMs: Math.round(seconds * 1000), traceId, endpoint: 'connector',
      });
    }
  });
}
