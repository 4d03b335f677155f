import type { AnyAgent, AnyRunState } from './sdk-types.js';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createSilentLogger } from '@cortex-os/telemetry';
import { RunContext, RunState, type AgentInputItem, type RunConfig } from '@openai/agents';
import { AgentsError } from '../errors.js';
import type { AgentsLogger } from '../types.js';
import { parseBudget, type RunBudget } from './budget.js';
import type { GuardrailOptions } from './guardrails.js';
import type { RunLogEntry } from './run-log.js';
import { isStale, readMeta, type RunMeta } from './run-meta.js';
import { callIdOf, RunSegment, type Runtime, type RunOutcome, type RuntimeAuditRecord } from './segment.js';
import { checkRunId, fileCheckpointStore, type CheckpointStore } from './store.js';

/** Options of {@link startRun} and {@link resumeRun}. */
export interface RuntimeOptions {
  /** Where runs are kept (default: {@link fileCheckpointStore} of {@link defaultRunsDir}). */
  readonly store?: CheckpointStore;
  /** Limits of the run (a resume keeps the start's budget unless given one). */
  readonly budget?: RunBudget;
  readonly guardrails?: GuardrailOptions;
  /** pino logger: audit lines (`audit` field) and warnings (default silent). */
  readonly logger?: AgentsLogger;
  /** Receives every audit record (guardrail decisions, approvals, budget stops); must not throw. */
  readonly audit?: (record: RuntimeAuditRecord) => void;
  /** SDK run configuration (model provider, tracing…); the runtime adds its own guardrails to yours. */
  readonly runConfig?: Partial<RunConfig>;
  /** Cancels the run (it ends `failed`, its partial state kept). */
  readonly signal?: AbortSignal;
  /** Receives every run log entry as it is written (redacted): progress display (tool calls as they happen). */
  readonly onEvent?: (entry: RunLogEntry) => void;
  /** Clock, ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

/** Options of {@link startRun}. */
export interface StartRunOptions extends RuntimeOptions {
  /** Id of the new run (default a random UUID): letters, digits, `_`, `-`, at most 64. */
  readonly runId?: string;
  /** SDK turn limit (default 10). */
  readonly maxTurns?: number;
}

/** Options of {@link resumeRun}: the agent must be built as for the start (same name and tools). */
export interface ResumeRunOptions extends RuntimeOptions {
  readonly agent: AnyAgent;
}

/** A human decision on one pending tool call. */
export interface ApprovalDecision {
  readonly callId: string;
  readonly decision: 'approve' | 'reject';
  /** Text the model sees for a rejected call (default the SDK's). */
  readonly message?: string;
}

/** Runs directory of the default store: `CORTEX_AGENT_RUNS_DIR`, else `.cortex/agent-runs` in the working directory. */
export function defaultRunsDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): string {
  const dir = env.CORTEX_AGENT_RUNS_DIR;
  return resolve(cwd, dir && dir.trim() !== '' ? dir : '.cortex/agent-runs');
}

function runtimeOf(o: RuntimeOptions): Runtime {
  return {
    store: o.store ?? fileCheckpointStore(defaultRunsDir()),
    logger: o.logger ?? createSilentLogger('agents.runtime'),
    now: o.now ?? Date.now,
    guardrails: o.guardrails,
    audit: o.audit,
    runConfig: o.runConfig ?? {},
    signal: o.signal,
    onEvent: o.onEvent,
  };
}

/**
 * Starts a run of `agent` on `input` through the SDK's runner, in a new run of the checkpoint store: the run log
 * is written as it goes, the SDK `RunState` and the metadata when it stops. Guardrails (credentials redacted or
 * blocked, prompt-injection markers in tool results flagged) and the budget apply throughout.
 * @returns `completed` (final output, credentials redacted), `interrupted` (tool calls waiting for approval:
 *   continue with {@link resumeRun}), `budget_exceeded` or `blocked`.
 * @throws AgentsConfigError `CONFIG_INVALID` (bad run id, budget or guardrail options); AgentsError `BAD_REQUEST`
 *   when the run id exists; what the SDK run throws (model errors…) after the partial run is saved (`failed`).
 */
export async function startRun(
  agent: AnyAgent,
  input: string | AgentInputItem[],
  options: StartRunOptions = {},
): Promise<RunOutcome> {
  const rt = runtimeOf(options);
  const runId = checkRunId(options.runId ?? randomUUID());
  const budget = parseBudget(options.budget);
  if ((await rt.store.read(runId, 'meta')) !== undefined)
    throw new AgentsError('BAD_REQUEST', `agent run "${runId}" already exists`);
  const at = new Date(rt.now()).toISOString();
  const meta: RunMeta = {
    brand: 'brAInwav',
    runId,
    agent: agent.name,
    status: 'running',
    createdAt: at,
    updatedAt: at,
    budget,
    usage: { toolCalls: 0, wallTimeMs: 0, tokens: 0 },
    pending: [],
  };
  const segment = new RunSegment(rt, meta);
  const inputChars = typeof input === 'string' ? input.length : JSON.stringify(input).length;
  segment.log.append({ type: 'run_started', agent: agent.name, inputChars });
  const prepared = segment.guardrails.prepareInput(input);
  const state = new RunState<unknown, AnyAgent>(
    new RunContext<unknown>({}),
    prepared,
    agent,
    options.maxTurns ?? 10,
  );
  return segment.execute(agent, state);
}

/**
 * Continues an interrupted run from its checkpoint (in this process or another one, after a restart):
 * applies the decisions to the pending tool calls and runs on. Calls left without a decision stay pending.
 * A run left `running` by a process that died on this host (killed during a resume) is resumed from its last
 * checkpoint (logged `run_recovered`; a tool approved in the dead process may run again).
 * @throws AgentsError `NOT_FOUND` (no such run or no state), `BAD_REQUEST` (the run is not waiting for an
 *   approval, another agent name, no decision, or a call id that is not pending); what {@link startRun} throws.
 */
export async function resumeRun(
  runId: string,
  decisions: readonly ApprovalDecision[],
  options: ResumeRunOptions,
): Promise<RunOutcome> {
  const rt = runtimeOf(options);
  const meta = await readMeta(rt.store, checkRunId(runId));
  const stale = isStale(meta);
  if (meta.status !== 'interrupted' && !stale)
    throw new AgentsError(
      'BAD_REQUEST',
      `agent run "${runId}" is ${meta.status}, not waiting for an approval`,
    );
  if (options.agent.name !== meta.agent)
    throw new AgentsError(
      'BAD_REQUEST',
      `agent run "${runId}" belongs to agent "${meta.agent}", not "${options.agent.name}"`,
    );
  const text = await rt.store.read(runId, 'state');
  if (text === undefined) throw new AgentsError('NOT_FOUND', `agent run "${runId}" has no saved state`);
  const state = await RunState.fromString(options.agent, text);
  const budget = options.budget ? parseBudget(options.budget) : meta.budget;
  const segment = new RunSegment(rt, { ...meta, budget });
  if (stale && meta.owner) segment.log.append({ type: 'run_recovered', deadPid: meta.owner.pid });
  applyDecisions(runId, state, decisions, segment);
  segment.log.append({ type: 'run_resumed', agent: options.agent.name });
  return segment.execute(options.agent, state);
}

function applyDecisions(
  runId: string,
  state: AnyRunState,
  decisions: readonly ApprovalDecision[],
  segment: RunSegment,
): void {
  const pending = new Map(state.getInterruptions().map((i) => [callIdOf(i), i]));
  if (decisions.length === 0)
    throw new AgentsError('BAD_REQUEST', `agent run "${runId}": no approval decision given`);
  const seen = new Set<string>();
  for (const d of decisions) {
    const item = pending.get(d.callId);
    if (!item || seen.has(d.callId) || (d.decision !== 'approve' && d.decision !== 'reject'))
      throw new AgentsError(
        'BAD_REQUEST',
        `agent run "${runId}": call "${d.callId}" is not a pending approval (pending: ${[...pending.keys()].join(', ') || 'none'})`,
      );
    seen.add(d.callId);
    if (d.decision === 'approve') state.approve(item);
    else state.reject(item, d.message === undefined ? undefined : { message: d.message });
    const tool = item.name ?? item.toolName ?? 'unknown';
    segment.approval({
      tool,
      callId: d.callId,
      decision: d.decision === 'approve' ? 'approved' : 'rejected',
    });
  }
}
