import { AgentsConfigError } from '../errors.js';
import type { BudgetKind } from './run-log.js';

/** Limits of one run (each optional; none: unlimited). Counted over the whole run, resumes included. */
export interface RunBudget {
  /** Tool calls executed (approved calls only; a rejected call does not count). */
  readonly maxToolCalls?: number;
  /** Model tokens (input + output, as the model reports them), checked before each model call. */
  readonly maxTokens?: number;
  /** Wall time spent running, milliseconds (time waiting for an approval does not count). */
  readonly maxWallTimeMs?: number;
}

/** What a run has used so far (kept in the run's metadata across resumes). */
export interface BudgetUsage {
  readonly toolCalls: number;
  readonly wallTimeMs: number;
}

/** The budget a run went over. */
export interface BudgetExceeded {
  readonly budget: BudgetKind;
  readonly limit: number;
  readonly used: number;
}

const LIMITS = { maxToolCalls: 'tool_calls', maxTokens: 'tokens', maxWallTimeMs: 'wall_time' } as const;

/** `budget` checked: every limit a positive integer. @throws AgentsConfigError `CONFIG_INVALID`. */
export function parseBudget(budget: RunBudget | undefined): RunBudget {
  for (const name of Object.keys(LIMITS) as (keyof RunBudget)[]) {
    const v = budget?.[name];
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new AgentsConfigError(`budget.${name} must be a positive integer (got ${String(v)})`);
  }
  return budget ?? {};
}

/** The branded text of a run stopped by a budget. */
export function budgetMessage(e: BudgetExceeded): string {
  const unit = e.budget === 'wall_time' ? ' ms' : '';
  return `brAInwav: run stopped: ${e.budget.replace('_', ' ')} budget exceeded (limit ${e.limit}${unit}, used ${e.used}${unit}); the partial run is kept`;
}

/**
 * Enforces a {@link RunBudget} over one segment of a run (a start or a resume): on the first limit
 * crossed it records why and aborts `controller`, which stops the SDK run.
 */
export class BudgetTracker {
  readonly #budget: RunBudget;
  readonly #controller: AbortController;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #priorWallMs: number;
  #toolCalls: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #exceeded: BudgetExceeded | undefined;

  constructor(budget: RunBudget, used: BudgetUsage, controller: AbortController, now: () => number) {
    this.#budget = budget;
    this.#controller = controller;
    this.#now = now;
    this.#startedAt = now();
    this.#priorWallMs = used.wallTimeMs;
    this.#toolCalls = used.toolCalls;
    this.#arm();
  }

  get exceeded(): BudgetExceeded | undefined {
    return this.#exceeded;
  }

  /** Usage including this segment so far. */
  usage(): BudgetUsage {
    return { toolCalls: this.#toolCalls, wallTimeMs: this.#priorWallMs + (this.#now() - this.#startedAt) };
  }

  /** Counts a tool call about to execute; `false` (and the run aborted) when it is over the budget. */
  toolCall(): boolean {
    const max = this.#budget.maxToolCalls;
    if (max !== undefined && this.#toolCalls >= max)
      this.#trip({ budget: 'tool_calls', limit: max, used: this.#toolCalls });
    if (this.#exceeded) return false;
    this.#toolCalls += 1;
    return true;
  }

  /** Checks the tokens used before a model call; `false` (and the run aborted) when the budget is spent. */
  tokens(total: number): boolean {
    const max = this.#budget.maxTokens;
    if (max !== undefined && total >= max) this.#trip({ budget: 'tokens', limit: max, used: total });
    return this.#exceeded === undefined;
  }

  /** Stops the wall-time timer (call when the segment ends). */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const max = this.#budget.maxWallTimeMs;
    if (max === undefined) return;
    const left = max - this.#priorWallMs;
    const fire = (): void => this.#trip({ budget: 'wall_time', limit: max, used: this.usage().wallTimeMs });
    if (left <= 0) return fire();
    this.#timer = setTimeout(fire, left);
    this.#timer.unref?.();
  }

  #trip(e: BudgetExceeded): void {
    if (this.#exceeded) return;
    this.#exceeded = e;
    this.stop();
    this.#controller.abort(new Error(budgetMessage(e)));
  }
}
