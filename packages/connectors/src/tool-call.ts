import { BRAND, branded } from '@cortex-os/connectors-manifest';
import { META_ERROR, type ConnectorsGateway } from '@cortex-os/mcp-server';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { ConnectorNotFoundError } from './errors.js';
import type { ConnectorsRuntime } from './runtime.js';

/** What a REST tool call needs: the verified map (404s) and the gateway (filters, quotas, metrics, audit). */
export interface ToolCallDeps {
  readonly runtime: ConnectorsRuntime;
  readonly gateway: Pick<ConnectorsGateway, 'callTool'>;
}

/** One tool call requested over REST. */
export interface ToolCallRequest {
  readonly connectorId: string;
  readonly tool: string;
  readonly args: Record<string, unknown> | undefined;
  readonly callerId: string;
  readonly signal: AbortSignal;
}

/**
 * Calls a connector tool for `POST /v1/connectors/:id/tools/:tool/call` through the gateway, so the manifest's
 * `tools` filter, quotas, `brainwav_mcp_tool_calls_total`, the audit line and the offline fallback are the
 * same as on `/mcp`. Failures are `isError` results (code under `_meta["io.brainwav/error"]`).
 * @throws ConnectorNotFoundError `CONNECTOR_NOT_FOUND` (not in the verified map), NotReadyError `NOT_READY`.
 */
export async function callConnectorTool(deps: ToolCallDeps, req: ToolCallRequest): Promise<CallToolResult> {
  const entry = deps.runtime.map().connectors.find((c) => c.id === req.connectorId);
  if (!entry) throw new ConnectorNotFoundError(req.connectorId);
  if (entry.status !== 'enabled') {
    return { content: [{ type: 'text', text: branded(`connector "${entry.id}" is disabled`) }], isError: true, _meta: { [META_ERROR]: { brand: BRAND, code: 'UPSTREAM_UNAVAILABLE' } } };
  }
  return deps.gateway.callTool(entry.id, req.tool, req.args, { callerId: req.callerId, signal: req.signal });
}
