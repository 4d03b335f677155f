import { toolName } from '@cortex-os/connectors-manifest';
import type { RemoteToolProxy } from '@cortex-os/mcp-bridge';
import { tool, type FunctionTool } from '@openai/agents';
import { policyFor, type ResolvedFallback } from './fallback.js';
import { executeToolCall, resultText, type ExecuteDeps } from './invoke.js';
import type { ToolGate } from './policy-gate.js';

/** An MCP tool description as listed by a proxy. */
export type McpTool = Awaited<ReturnType<RemoteToolProxy['listTools']>>[number];

/** One agent tool and where it goes. */
export interface SurfaceTool {
  /** Agent-facing name `<connectorId>__<tool>` (shortened deterministically when over 64 chars). */
  readonly name: string;
  readonly connectorId: string;
  /** Upstream tool name. */
  readonly tool: string;
}

/** Inputs of {@link buildFunctionTool}. */
export interface BuildToolInput {
  readonly connectorId: string;
  readonly mcpTool: McpTool;
  readonly fallback: ResolvedFallback;
  readonly deps: ExecuteDeps;
  /** Is the connector usable now (enabled, hydrated, not down)? Used by `approval: unavailable`. */
  readonly isAvailable: (connectorId: string) => boolean;
  readonly timeoutMs?: number;
  /** The agent's policy (none: every tool is enabled and no call is checked here). */
  readonly gate?: ToolGate;
}

/** A non-strict function-tool parameters schema (`additionalProperties: true`, as the SDK's MCP conversion). */
export interface NonStrictParameters {
  readonly type: 'object';
  readonly properties: Record<string, never>;
  readonly required: never[];
  readonly additionalProperties: true;
  readonly [extra: string]: unknown;
}

/** The MCP input schema as a non-strict function-tool JSON Schema (the SDK's own MCP conversion rule). */
export function toParameters(inputSchema: McpTool['inputSchema'] | undefined): NonStrictParameters {
  const s = (inputSchema ?? {}) as Record<string, unknown>;
  return {
    ...s,
    type: 'object',
    properties: (s.properties ?? {}) as Record<string, never>,
    required: (s.required ?? []) as never[],
    additionalProperties: true,
  };
}

function argsOf(input: unknown): Record<string, unknown> {
  if (typeof input === 'string') return input ? (JSON.parse(input) as Record<string, unknown>) : {};
  return input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
}

type Approval = boolean | ((ctx: unknown, input: unknown) => Promise<boolean>);

/** `needsApproval` of the tool: the fallback's approval, never asked for a call the policy denies. */
function approvalOf(b: BuildToolInput, policy: ReturnType<typeof policyFor>): Approval {
  if (policy.policy !== 'approval') return false;
  const base = policy.when === 'always' ? () => true : () => !b.isAvailable(b.connectorId);
  const gate = b.gate;
  if (!gate) return policy.when === 'always' ? true : () => Promise.resolve(base());
  return (_ctx, input) =>
    Promise.resolve(gate.decide(b.connectorId, b.mcpTool.name, argsOrEmpty(input)).allow && base());
}

function argsOrEmpty(input: unknown): Record<string, unknown> {
  try {
    return argsOf(input);
  } catch {
    return {};
  }
}

/**
 * Builds the `@openai/agents` function tool of one connector tool; calls go through the registry's proxy.
 * With a gate the tool is enabled only while the current policy lets the principal list it (asked on
 * every model turn) and every call is decided first (see `executeToolCall`).
 */
export function buildFunctionTool(b: BuildToolInput): { tool: FunctionTool; surface: SurfaceTool } {
  const name = toolName(b.connectorId, b.mcpTool.name).name;
  const policy = policyFor(b.fallback, b.connectorId, name);
  const gate = b.gate;
  const fn = tool({
    name,
    description: b.mcpTool.description ?? `${b.mcpTool.name} (brAInwav connector ${b.connectorId})`,
    parameters: toParameters(b.mcpTool.inputSchema),
    strict: false,
    needsApproval: approvalOf(b, policy),
    ...(gate ? { isEnabled: () => gate.mayList(b.connectorId, b.mcpTool.name) } : {}),
    execute: async (input, _ctx, details) => {
      const out = await executeToolCall(b.deps, {
        connectorId: b.connectorId,
        tool: b.mcpTool.name,
        args: argsOf(input),
        policy,
        ...(details?.signal ? { signal: details.signal } : {}),
        ...(b.timeoutMs ? { timeoutMs: b.timeoutMs } : {}),
      });
      return typeof out === 'string' ? out : resultText(b.connectorId, b.mcpTool.name, out);
    },
    errorFunction: (_ctx, err) =>
      `brAInwav: connector "${b.connectorId}" tool "${b.mcpTool.name}" failed (TOOL_CALL_FAILED)${err instanceof SyntaxError ? ': arguments are not valid JSON' : ''}`,
  });
  return {
    tool: fn as unknown as FunctionTool,
    surface: { name, connectorId: b.connectorId, tool: b.mcpTool.name },
  };
}
