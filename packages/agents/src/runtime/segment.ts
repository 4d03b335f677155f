import type { AnyAgent, AnyRunState } from './sdk-types.js';
import {
  InputGuardrailTripwireTriggered,
  OutputGuardrailTripwireTriggered,
  Runner,
  type RunConfig,
  type RunResult,
  type RunToolApprovalItem,
} from '@openai/agents';
import type { AgentsLogger } from '../types.js';
import { BudgetTracker, budgetMessage, type BudgetExceeded } from './budget.js';
import { GUARDRAIL_NAMES, RunGuardrails, type GuardrailOptions } from './guardrails.js';
import {
  thisProcess,
  writeMeta,
  type PendingApproval,
  type RunMeta,
  type RunStatus,
  type RunUsage,
} from './run-meta.js';
import { RunLog, type GuardrailDecision, type RunLogEntry } from './run-log.js';
import type { CheckpointStore } from './store.js';
import { bindToolGuards, guardAgentTools } from './tool-guards.js';

/** One audit line of the runtime: a guardrail decision, an approval decision or a budget stop. */
export interface RuntimeAuditRecord {
  /** ISO-8601 UTC. */
  readonly ts: string;
  readonly brand: 'brAInwav';
  readonly runId: string;
  readonly event: 'guardrail' | 'approval' | 'budget_exceeded';
  readonly detail: GuardrailDecision | ApprovalRecord | BudgetExceeded;
}

/** A human decision on a pending tool call, as logged and audited. */
export interface ApprovalRecord {
  readonly tool: string;
  readonly callId: string;
  readonly decision: 'approved' | 'rejected';
}

/** How a start or a resume ended. Failures (model errors…) are thrown after the partial run is saved. */
export type RunOutcome =
  | (OutcomeBase & { readonly status: 'completed'; readonly finalOutput: string })
  | (OutcomeBase & { readonly status: 'interrupted'; readonly pending: readonly PendingApproval[] })
  | (OutcomeBase & {
      readonly status: 'budget_exceeded';
      readonly exceeded: BudgetExceeded;
      readonly message: string;
    })
  | (OutcomeBase & { readonly status: 'blocked'; readonly guardrail: string; readonly message: string });

interface OutcomeBase {
  readonly runId: string;
  readonly usage: RunUsage;
}

/** The resolved runtime options shared by a start and a resume. */
export interface Runtime {
  readonly store: CheckpointStore;
  readonly logger: AgentsLogger;
  readonly now: () => number;
  readonly guardrails: GuardrailOptions | undefined;
  readonly audit: ((record: RuntimeAuditRecord) => void) | undefined;
  readonly runConfig: Partial<RunConfig>;
  readonly signal: AbortSignal | undefined;
  readonly onEvent: ((entry: RunLogEntry) => void) | undefined;
}

/** The id of the tool call an approval item asks about. */
export function callIdOf(item: RunToolApprovalItem): string {
  const raw = item.rawItem as { callId?: string; id?: string };
  return raw.callId ?? raw.id ?? '';
}

/** One process's share of a run (a start or a resume): runs the SDK loop, then saves state, meta and log. */
export class RunSegment {
  readonly guardrails: RunGuardrails;
  readonly log: RunLog;
  readonly #rt: Runtime;
  #meta: RunMeta;

  constructor(rt: Runtime, meta: RunMeta) {
    this.#rt = rt;
    this.#meta = meta;
    this.guardrails = new RunGuardrails(rt.guardrails, (d) => this.#decision(d));
    this.log = new RunLog(rt.store, meta.runId, this.guardrails.scanner, rt.now, rt.onEvent);
  }

  /** Records a human decision (run log and audit line). */
  approval(record: ApprovalRecord): void {
    this.log.append({ type: 'approval', ...record });
    this.#audit('approval', record);
  }

  /** Runs `agent` from `state` until it completes, is interrupted for an approval, is stopped or fails. */
  async execute(agent: AnyAgent, state: AnyRunState): Promise<RunOutcome> {
    await this.#saveMeta({ status: 'running', pending: [], owner: thisProcess() });
    const controller = new AbortController();
    const cancel = (): void => controller.abort(this.#rt.signal?.reason);
    this.#rt.signal?.addEventListener('abort', cancel, { once: true });
    const budget = new BudgetTracker(this.#meta.budget, this.#meta.usage, controller, this.#rt.now);
    const unbind = bindToolGuards(state._context, { guardrails: this.guardrails, budget });
    guardAgentTools(agent);
    guardAgentTools(state._currentAgent);
    const userFilter = this.#rt.runConfig.callModelInputFilter;
    try {
      const result = await this.#runner(budget).run(agent, state, {
        signal: controller.signal,
        callModelInputFilter: (args) => {
          const { modelData, agent: current } = args;
          guardAgentTools(current);
          const tokens = state.usage.totalTokens;
          const inputItems = modelData.input.length;
          this.log.append({
            type: 'model_call',
            turn: state._currentTurn,
            agent: current.name,
            inputItems,
            tokensSoFar: tokens,
          });
          budget.tokens(tokens);
          return userFilter ? userFilter(args) : modelData;
        },
      });
      return await this.#settled(result, state, budget);
    } catch (err) {
      return await this.#failed(err, state, budget);
    } finally {
      budget.stop();
      unbind();
      this.#rt.signal?.removeEventListener('abort', cancel);
    }
  }

  #runner(budget: BudgetTracker): Runner {
    const input = this.guardrails.inputGuardrail();
    const runner = new Runner({
      ...this.#rt.runConfig,
      inputGuardrails: [...(this.#rt.runConfig.inputGuardrails ?? []), ...(input ? [input] : [])],
      outputGuardrails: [...(this.#rt.runConfig.outputGuardrails ?? []), this.guardrails.outputGuardrail()],
    });
    runner.on('agent_tool_start', (_c, _a, tool, { toolCall }) =>
      this.log.append({
        type: 'tool_call',
        tool: tool.name,
        callId: callIdOfCall(toolCall),
        n: budget.usage().toolCalls,
      }),
    );
    runner.on('agent_tool_end', (_c, _a, tool, result, { toolCall }) =>
      this.log.append({
        type: 'tool_result',
        tool: tool.name,
        callId: callIdOfCall(toolCall),
        chars: result.length,
      }),
    );
    return runner;
  }

  async #settled(
    result: RunResult<unknown, AnyAgent>,
    state: AnyRunState,
    budget: BudgetTracker,
  ): Promise<RunOutcome> {
    if (budget.exceeded) return this.#overBudget(budget.exceeded, state, budget);
    const interruptions = result.interruptions;
    if (interruptions.length > 0) {
      const pending = interruptions.map((i) => ({
        callId: callIdOf(i),
        tool: i.name ?? i.toolName ?? 'unknown',
      }));
      for (const p of pending) this.log.append({ type: 'approval_requested', ...p });
      const usage = await this.#finish(
        state,
        budget,
        { status: 'interrupted', pending },
        { type: 'run_interrupted', pending: pending.length },
      );
      return { status: 'interrupted', runId: this.#meta.runId, usage, pending };
    }
    const raw = result.finalOutput as unknown;
    const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? '');
    const finalOutput = this.guardrails.blocksSecrets ? text : this.guardrails.redactOutput(text);
    const usage = await this.#finish(state, budget, { status: 'completed', pending: [] }, 'completed');
    return { status: 'completed', runId: this.#meta.runId, usage, finalOutput };
  }

  async #failed(err: unknown, state: AnyRunState, budget: BudgetTracker): Promise<RunOutcome> {
    if (budget.exceeded) return this.#overBudget(budget.exceeded, state, budget);
    if (err instanceof InputGuardrailTripwireTriggered || err instanceof OutputGuardrailTripwireTriggered) {
      const guardrail =
        err instanceof InputGuardrailTripwireTriggered ? GUARDRAIL_NAMES.input : GUARDRAIL_NAMES.output;
      const usage = await this.#finish(
        state,
        budget,
        { status: 'blocked', blockedBy: guardrail },
        { type: 'run_blocked', guardrail },
      );
      const what = guardrail === GUARDRAIL_NAMES.input ? 'the input' : 'the answer';
      const message = `brAInwav: run blocked by guardrail ${guardrail}: ${what} contained credentials`;
      return { status: 'blocked', runId: this.#meta.runId, usage, guardrail, message };
    }
    const e = err instanceof Error ? err : new Error(String(err));
    await this.#finish(
      state,
      budget,
      { status: 'failed' },
      { type: 'run_failed', error: e.name, message: e.message },
    );
    throw err;
  }

  async #overBudget(
    exceeded: BudgetExceeded,
    state: AnyRunState,
    budget: BudgetTracker,
  ): Promise<RunOutcome> {
    this.#audit('budget_exceeded', exceeded);
    const usage = await this.#finish(
      state,
      budget,
      { status: 'budget_exceeded', exceeded },
      { type: 'budget_exceeded', ...exceeded },
    );
    return {
      status: 'budget_exceeded',
      runId: this.#meta.runId,
      usage,
      exceeded,
      message: budgetMessage(exceeded),
    };
  }

  /** Saves the state, the metadata (with `patch`) and the last log line; returns the run's usage. */
  async #finish(
    state: AnyRunState,
    budget: BudgetTracker,
    patch: Partial<RunMeta> & { status: RunStatus },
    last: RunLogEntry | 'completed',
  ): Promise<RunUsage> {
    budget.stop();
    const usage = { ...budget.usage(), tokens: state.usage.totalTokens };
    this.log.append(
      last === 'completed'
        ? { type: 'run_completed', tokens: usage.tokens, toolCalls: usage.toolCalls }
        : last,
    );
    await this.#rt.store.write(this.#meta.runId, 'state', state.toString());
    await this.#saveMeta({ ...patch, usage, owner: undefined });
    await this.log.flush();
    return usage;
  }

  async #saveMeta(patch: Partial<RunMeta>): Promise<void> {
    this.#meta = { ...this.#meta, ...patch, updatedAt: new Date(this.#rt.now()).toISOString() };
    await writeMeta(this.#rt.store, this.#meta);
  }

  #decision(d: GuardrailDecision): void {
    this.log.append({ type: 'guardrail', ...d });
    this.#audit('guardrail', d);
  }

  #audit(event: RuntimeAuditRecord['event'], detail: RuntimeAuditRecord['detail']): void {
    const record: RuntimeAuditRecord = {
      ts: new Date(this.#rt.now()).toISOString(),
      brand: 'brAInwav',
      runId: this.#meta.runId,
      event,
      detail: this.guardrails.scanner.redactDeep(detail),
    };
    this.#rt.logger.info({ audit: record }, 'brAInwav: agent run audit');
    try {
      this.#rt.audit?.(record);
    } catch (err) {
      this.#rt.logger.warn({ err: (err as Error).name }, 'brAInwav: audit sink failed');
    }
  }
}

function callIdOfCall(toolCall: unknown): string {
  const c = toolCall as { callId?: string; id?: string };
  return c.callId ?? c.id ?? '';
}
