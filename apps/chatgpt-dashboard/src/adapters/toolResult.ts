import { DashboardError } from '../lib/errors.js';
import { parseDashboardData } from '../lib/parse.js';
import type { DashboardData, ToolCallResult } from '../types.js';

/** Name of the MCP tool whose result carries the dashboard body (registered by the connectors server). */
export const DASHBOARD_TOOL = 'connectors_dashboard';

/** Name under which the aggregate `/mcp` gateway exposes a connector tool. */
export function gatewayToolName(connectorId: string, tool: string): string {
  return `${connectorId}__${tool}`;
}

/** First text block of a tool result, for error messages. */
export function firstText(result: ToolCallResult): string | undefined {
  return result.content.find((block) => block.type === 'text' && typeof block.text === 'string')?.text;
}

/**
 * Extracts the dashboard body from a `connectors_dashboard` tool result (`structuredContent`, or JSON text).
 * @throws DashboardError `HOST` when the tool reported an error, `INVALID_DATA` when the body is malformed.
 */
export function dashboardFromToolResult(result: ToolCallResult): DashboardData {
  if (result.isError)
    throw new DashboardError('HOST', firstText(result) ?? 'the connectors_dashboard tool failed');
  if (result.structuredContent !== undefined) return parseDashboardData(result.structuredContent);
  const text = firstText(result);
  if (text === undefined)
    throw new DashboardError('INVALID_DATA', 'the connectors_dashboard tool returned no data');
  try {
    return parseDashboardData(JSON.parse(text));
  } catch (error) {
    throw error instanceof DashboardError
      ? error
      : new DashboardError('INVALID_DATA', 'the connectors_dashboard tool returned no JSON', {
          cause: error,
        });
  }
}

/** Coerces whatever a host returned from a tool call into a `ToolCallResult`. */
export function normaliseToolResult(value: unknown): ToolCallResult {
  const obj = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const content = Array.isArray(obj.content) ? (obj.content as ToolCallResult['content']) : [];
  const text = typeof obj.result === 'string' ? [{ type: 'text', text: obj.result }] : [];
  return {
    content: content.length > 0 ? content : text,
    structuredContent: obj.structuredContent,
    isError: obj.isError === true,
  };
}
