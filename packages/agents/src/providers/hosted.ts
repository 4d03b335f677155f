import { Agent, hostedMcpTool, type HostedMCPTool, type Model } from '@openai/agents';
import { AgentsConfigError } from '../errors.js';
import type { SurfaceTool } from '../tools.js';
import type { HostedMcpConfig } from './config.js';
import type { ModelApi } from './probe.js';

/** Options of {@link hostedGatewayTool}. */
export interface HostedGatewayToolOptions extends HostedMcpConfig {
  /** Gateway tool names (`<connectorId>__<tool>`) the model may call: the verified map under the policy. */
  readonly toolNames: readonly string[];
  /** Bearer the model provider sends to the gateway (`Authorization`), resolved from `authorizationRef`. */
  readonly authorization?: string;
}

function approvalOf(
  requireApproval: HostedMcpConfig['requireApproval'],
  toolNames: readonly string[],
): { requireApproval: 'never' } | { requireApproval: 'always' | { always: { toolNames: string[] } } } {
  if (requireApproval === undefined || requireApproval === 'never') return { requireApproval: 'never' };
  if (requireApproval === 'always') return { requireApproval: 'always' };
  const gated = requireApproval.filter((name) => toolNames.includes(name));
  return gated.length === 0
    ? { requireApproval: 'never' }
    : { requireApproval: { always: { toolNames: gated } } };
}

/**
 * The SDK's hosted MCP tool for the gateway's public `/mcp`: the model provider calls the gateway itself
 * (Responses API), restricted to `toolNames`; the gateway still authenticates and applies its policy to every call.
 * @throws AgentsConfigError `CONFIG_INVALID` when `toolNames` is empty or the URL does not end in `/mcp`.
 */
export function hostedGatewayTool(o: HostedGatewayToolOptions): HostedMCPTool {
  if (o.toolNames.length === 0)
    throw new AgentsConfigError('hostedMcp: no tool of the verified map is allowed (toolNames is empty)');
  if (!/\/mcp\/?$/.test(new URL(o.url).pathname))
    throw new AgentsConfigError(
      `hostedMcp.url must be the gateway's /mcp URL (got ${new URL(o.url).pathname})`,
    );
  return hostedMcpTool({
    serverLabel: o.serverLabel ?? 'cortex',
    serverUrl: o.url,
    allowedTools: { toolNames: [...o.toolNames] },
    ...(o.authorization ? { authorization: o.authorization } : {}),
    ...approvalOf(o.requireApproval, o.toolNames),
  });
}

/** Options of {@link createHostedGatewayAgent}. */
export interface HostedGatewayAgentOptions {
  readonly instructions: string;
  readonly model: Model;
  /** The API of the model (hosted MCP needs `responses`). */
  readonly api: ModelApi;
  readonly hosted: HostedMcpConfig;
  /** The surface the local agent would have (its names are the gateway's tool names). */
  readonly surfaceTools: readonly SurfaceTool[];
  readonly authorization?: string;
  readonly name?: string;
}

/**
 * An agent whose only tool is the gateway as a hosted MCP tool (no local function tools).
 * @throws AgentsConfigError `CONFIG_INVALID` when the model's API is not Responses, or {@link hostedGatewayTool}'s.
 */
export function createHostedGatewayAgent(o: HostedGatewayAgentOptions): Agent {
  if (o.api !== 'responses')
    throw new AgentsConfigError(`hostedMcp needs the Responses API; the model uses ${o.api}`);
  const tool = hostedGatewayTool({
    ...o.hosted,
    toolNames: o.surfaceTools.map((s) => s.name),
    ...(o.authorization ? { authorization: o.authorization } : {}),
  });
  return new Agent({
    name: o.name ?? 'brAInwav execution surface',
    instructions: o.instructions,
    model: o.model,
    tools: [tool],
  });
}
