import { toolName } from '@cortex-os/connectors-manifest';

/** Result of {@link gatewayToolName}: the exposed name, the upstream tool name, and whether it was shortened. */
export interface GatewayToolName {
  /** `<connectorId>__<tool>`, valid for OpenAI function names (`^[a-zA-Z0-9_-]{1,64}$`). */
  name: string;
  /** The upstream's own tool name. */
  original: string;
  shortened: boolean;
}

/**
 * `<connectorId>__<tool>` naming (DESIGN.md), delegated to `toolName` of @cortex-os/connectors-manifest so
 * the gateway and the agents agree: invalid or over-long names are sanitized and shortened with a
 * deterministic hash suffix; the name depends only on (connectorId, tool), never on other connectors.
 */
export function gatewayToolName(connectorId: string, tool: string): GatewayToolName {
  const { name, original, shortened } = toolName(connectorId, tool);
  return { name, original, shortened };
}

/** Whether `tool` passes the manifest's `tools.allow` / `tools.deny` filters (deny wins). */
export function toolAllowed(
  tool: string,
  filter: { allow?: string[]; deny?: string[] } | undefined,
): boolean {
  if (filter?.deny?.includes(tool)) return false;
  return filter?.allow === undefined || filter.allow.includes(tool);
}

/** `[brAInwav · <displayName>] <description>` (description omitted when absent). */
export function brandDescription(displayName: string, description: string | undefined): string {
  const prefix = `[brAInwav · ${displayName}]`;
  return description ? `${prefix} ${description}` : prefix;
}
