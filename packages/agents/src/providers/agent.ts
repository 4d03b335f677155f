import type { PolicyDecider, Principal } from '@cortex-os/policy';
import { Agent } from '@openai/agents';
import { createExecutionSurfaceAgent, type SurfaceRegistry } from '../agent.js';
import type { FallbackConfig } from '../fallback.js';
import type { AgentsLogger } from '../types.js';
import { resolveConfigSecret } from './config.js';
import type { ConnectedModel } from './connect.js';
import { createHostedGatewayAgent } from './hosted.js';

/** How the agent reaches the connectors. */
export type AgentToolMode = 'function_tools' | 'hosted_mcp' | 'read_only';

/** Options of {@link createProviderAgent}. */
export interface ProviderAgentOptions {
  readonly registry: SurfaceRegistry;
  readonly connected: ConnectedModel;
  readonly instructions: string;
  /** Agent name (default `brAInwav execution surface`; keep it for `resumeRun`). */
  readonly name?: string;
  readonly allowedSurfaces?: readonly string[];
  readonly fallback?: FallbackConfig;
  readonly policy?: PolicyDecider;
  readonly principal?: Principal;
  readonly logger?: AgentsLogger;
  /** Environment of `hostedMcp.authorizationRef` (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The agent and how it reaches the connectors. */
export interface ProviderAgent {
  readonly agent: Agent;
  readonly mode: AgentToolMode;
  /** Tool names the model is given (gateway names in hosted mode; none read-only). */
  readonly tools: readonly string[];
}

const READ_ONLY_NOTE =
  '\n\nYou cannot call any tool in this session: answer from the conversation only, and say so when the ' +
  'question needs a connector.';

/**
 * The agent of a connected model: local function tools of the registry (default), the gateway as a hosted MCP
 * tool when the config has `hostedMcp`, or no tools at all (read-only, instructions saying so) when the probe
 * found that the model cannot call tools. Tools are listed under the policy in every mode.
 * @throws AgentsConfigError `CONFIG_INVALID` (hosted MCP on Chat Completions, no allowed tool…).
 */
export async function createProviderAgent(o: ProviderAgentOptions): Promise<ProviderAgent> {
  const name = o.name ?? 'brAInwav execution surface';
  const { connected } = o;
  if (connected.readOnly) {
    const agent = new Agent({
      name,
      instructions: o.instructions + READ_ONLY_NOTE,
      model: connected.model,
      tools: [],
    });
    return { agent, mode: 'read_only', tools: [] };
  }
  const surface = await createExecutionSurfaceAgent({
    registry: o.registry,
    instructions: o.instructions,
    model: connected.model,
    name,
    ...(o.allowedSurfaces ? { allowedSurfaces: o.allowedSurfaces } : {}),
    ...(o.fallback ? { fallback: o.fallback } : {}),
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.principal ? { principal: o.principal } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
  const hosted = connected.config.hostedMcp;
  if (!hosted)
    return { agent: surface, mode: 'function_tools', tools: surface.surfaceTools.map((t) => t.name) };
  const authorization = hosted.authorizationRef
    ? await resolveConfigSecret(hosted.authorizationRef, o.env ?? process.env)
    : undefined;
  const agent = createHostedGatewayAgent({
    instructions: o.instructions,
    model: connected.model,
    api: connected.probe.api,
    hosted,
    surfaceTools: surface.surfaceTools,
    name,
    ...(authorization ? { authorization } : {}),
  });
  return { agent, mode: 'hosted_mcp', tools: surface.surfaceTools.map((t) => t.name) };
}
