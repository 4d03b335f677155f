import { ConnectorsError } from '@cortex-os/connectors-manifest';
import type { RemoteToolProxy } from '@cortex-os/mcp-bridge';
import { retryDelayMs, type ResolvedPolicy } from './fallback.js';
import type { CallGate } from './policy-gate.js';
import type { AgentsLogger } from './types.js';

/** An MCP `CallToolResult` as returned by a proxy. */
export type CallToolResult = Awaited<ReturnType<RemoteToolProxy['callTool']>>;

/** What the tool executor needs from a registry. */
export interface ProxyLookup {
  /** The proxy of an enabled connector; throws a branded error when it is unusable. */
  proxy(connectorId: string): RemoteToolProxy;
}

/** Waits `ms` milliseconds (rejects when `signal` aborts). Injectable for tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Default {@link Sleep} on `setTimeout`. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

/** One tool call to execute under a policy. */
export interface ToolCallPlan {
  readonly connectorId: string;
  /** Upstream tool name (unprefixed). */
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly policy: ResolvedPolicy;
  readonly signal?: AbortSignal;
  /** Per-call timeout passed to the proxy, milliseconds. */
  readonly timeoutMs?: number;
}

/** Dependencies of {@link executeToolCall}. */
export interface ExecuteDeps {
  readonly registry: ProxyLookup;
  readonly sleep: Sleep;
  readonly logger: AgentsLogger;
  /** The agent's policy: asked before every upstream call, the alternates' included (none: no policy). */
  readonly gate?: CallGate;
}

type Outcome = { ok: true; result: CallToolResult } | { ok: false; code: string; detail: string };

function describe(err: unknown): { code: string; detail: string } {
  if (err instanceof ConnectorsError)
    return { code: err.code, detail: err.message.replace(/^brAInwav: /, '') };
  return { code: 'TOOL_CALL_FAILED', detail: 'the upstream call failed' };
}

async function callOnce(deps: ExecuteDeps, plan: ToolCallPlan, connectorId: string): Promise<Outcome> {
  try {
    const proxy = deps.registry.proxy(connectorId);
    const opts = {
      ...(plan.signal ? { signal: plan.signal } : {}),
      ...(plan.timeoutMs ? { timeoutMs: plan.timeoutMs } : {}),
    };
    return { ok: true, result: await proxy.callTool(plan.tool, plan.args, opts) };
  } catch (err) {
    const d = describe(err);
    deps.logger.warn({ connectorId, tool: plan.tool, code: d.code }, 'brAInwav: connector tool call failed');
    return { ok: false, ...d };
  }
}

async function offersTool(
  deps: ExecuteDeps,
  connectorId: string,
  tool: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const tools = await deps.registry.proxy(connectorId).listTools(signal);
    return tools.some((t) => t.name === tool);
  } catch {
    return false;
  }
}

/**
 * The branded text returned to the model when a call could not be served, naming every connector id
 * tried, the stable code and what happened, e.g.
 * `brAInwav: connector "search" could not run tool "query" (UPSTREAM_UNAVAILABLE): connector "search" is disabled`.
 */
export function failureText(
  connectorIds: readonly string[],
  tool: string,
  code: string,
  detail: string,
): string {
  const who = connectorIds.map((id) => `"${id}"`).join(', then ');
  return `brAInwav: connector ${who} could not run tool "${tool}" (${code}): ${detail}`;
}

/**
 * Runs `plan` under its fallback policy; never throws for connector failures (the failure text is returned).
 * With a gate, a call the policy denies returns the `POLICY_DENIED` text and nothing is sent upstream; an
 * `alternate` connector the policy denies is skipped.
 */
export async function executeToolCall(
  deps: ExecuteDeps,
  plan: ToolCallPlan,
): Promise<CallToolResult | string> {
  const denied = deps.gate?.check(plan.connectorId, plan.tool, plan.args);
  if (denied !== undefined) return denied;
  const p = plan.policy;
  let last = await callOnce(deps, plan, plan.connectorId);
  if (last.ok) return last.result;
  const tried = [plan.connectorId];
  if (p.policy === 'retry') {
    for (let retry = 1; retry < p.attempts && !last.ok; retry += 1) {
      await deps.sleep(retryDelayMs(p, retry), plan.signal);
      last = await callOnce(deps, plan, plan.connectorId);
    }
  } else if (p.policy === 'alternate') {
    for (const alt of p.connectors) {
      if (alt === plan.connectorId || deps.gate?.check(alt, plan.tool, plan.args) !== undefined) continue;
      if (!(await offersTool(deps, alt, plan.tool, plan.signal))) continue;
      tried.push(alt);
      last = await callOnce(deps, plan, alt);
      if (last.ok) break;
    }
  }
  return last.ok ? last.result : failureText(tried, plan.tool, last.code, last.detail);
}

/**
 * Converts an MCP `CallToolResult` to the text the model sees: text blocks joined by newlines,
 * other blocks as compact JSON (images as a `[image <mime>]` marker); `structuredContent` when there is
 * no content. An `isError` result is prefixed with a branded line naming the connector.
 */
export function resultText(connectorId: string, tool: string, result: CallToolResult): string {
  const parts = (result.content ?? []).map((block) => {
    if (block.type === 'text') return block.text;
    if (block.type === 'image') return `[image ${block.mimeType}]`;
    return JSON.stringify(block);
  });
  if (parts.length === 0 && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent));
  const text = parts.join('\n');
  return result.isError
    ? `brAInwav: tool "${tool}" on connector "${connectorId}" reported an error: ${text}`
    : text;
}
