import type { AnyAgent } from './sdk-types.js';
import {
  defineToolInputGuardrail,
  defineToolOutputGuardrail,
  ToolGuardrailFunctionOutputFactory as Verdict,
  type RunContext,
} from '@openai/agents';
import type { BudgetTracker } from './budget.js';
import { GUARDRAIL_NAMES, textOf, type RunGuardrails } from './guardrails.js';

/** What the shared tool guardrails need of the run a call belongs to. */
export interface ToolGuardSession {
  readonly guardrails: RunGuardrails;
  readonly budget: BudgetTracker;
}

/** Runs by their SDK run context: one guardrail definition serves every run, each call finds its own run. */
const sessions = new WeakMap<RunContext<unknown>, ToolGuardSession>();

/** Binds `context` (the run's `RunState` context) to its session; returns the unbind function. */
export function bindToolGuards(context: RunContext<unknown>, session: ToolGuardSession): () => void {
  sessions.set(context, session);
  return () => void sessions.delete(context);
}

/** Counts each tool call against the run's budget before it executes (after its approval). */
const budgetGuard = defineToolInputGuardrail({
  name: GUARDRAIL_NAMES.toolBudget,
  run: ({ context }) => {
    sessions.get(context)?.budget.toolCall();
    return Promise.resolve(Verdict.allow());
  },
});

/** Checks each tool result: credentials redacted or withheld, prompt-injection markers flagged. */
const outputGuard = defineToolOutputGuardrail({
  name: GUARDRAIL_NAMES.toolOutput,
  run: ({ context, toolCall, output }) => {
    const replaced = sessions
      .get(context)
      ?.guardrails.toolOutput(textOf(output), toolCall.name, toolCall.callId);
    return Promise.resolve(replaced === undefined ? Verdict.allow() : Verdict.rejectContent(replaced));
  },
});

interface GuardableTool {
  type: string;
  inputGuardrails?: unknown[];
  outputGuardrails?: unknown[];
}

/**
 * Adds the runtime's tool guardrails to every function tool of `agent` (idempotent; cheap enough to repeat
 * before each model call, so tools rebuilt during a run, e.g. after a policy reload, are guarded too).
 */
export function guardAgentTools(agent: AnyAgent): void {
  for (const t of agent.tools as unknown as GuardableTool[]) {
    if (t.type !== 'function') continue;
    if (!t.inputGuardrails?.includes(budgetGuard))
      t.inputGuardrails = [budgetGuard, ...(t.inputGuardrails ?? [])];
    if (!t.outputGuardrails?.includes(outputGuard))
      t.outputGuardrails = [...(t.outputGuardrails ?? []), outputGuard];
  }
}
