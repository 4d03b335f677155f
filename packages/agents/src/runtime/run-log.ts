import type { SecretScanner } from './secrets.js';
import type { CheckpointStore } from './store.js';

/** One line of a run log (`ts` added on append). Never carries tool arguments, results or secrets. */
export type RunLogEntry =
  | { readonly type: 'run_started'; readonly agent: string; readonly inputChars: number }
  | { readonly type: 'run_resumed'; readonly agent: string }
  | { readonly type: 'run_recovered'; readonly deadPid: number }
  | {
      readonly type: 'model_call';
      readonly turn: number;
      readonly agent: string;
      readonly inputItems: number;
      readonly tokensSoFar: number;
    }
  | { readonly type: 'tool_call'; readonly tool: string; readonly callId: string; readonly n: number }
  | { readonly type: 'tool_result'; readonly tool: string; readonly callId: string; readonly chars: number }
  | ({ readonly type: 'guardrail' } & GuardrailDecision)
  | { readonly type: 'approval_requested'; readonly tool: string; readonly callId: string }
  | {
      readonly type: 'approval';
      readonly tool: string;
      readonly callId: string;
      readonly decision: 'approved' | 'rejected';
    }
  | {
      readonly type: 'budget_exceeded';
      readonly budget: BudgetKind;
      readonly limit: number;
      readonly used: number;
    }
  | { readonly type: 'run_interrupted'; readonly pending: number }
  | { readonly type: 'run_completed'; readonly tokens: number; readonly toolCalls: number }
  | { readonly type: 'run_blocked'; readonly guardrail: string }
  | { readonly type: 'run_failed'; readonly error: string; readonly message: string };

/** A budget of a run. */
export type BudgetKind = 'tool_calls' | 'tokens' | 'wall_time';

/** A guardrail's verdict, as logged and audited. */
export interface GuardrailDecision {
  /** Where: the user's input, the final output, or one tool result. */
  readonly stage: 'input' | 'output' | 'tool_output';
  readonly action: 'allow' | 'redact' | 'block' | 'flag';
  /** Credential kinds found (never the values). */
  readonly secrets: readonly string[];
  /** Prompt-injection marker names found (tool results only). */
  readonly injection: readonly string[];
  readonly tool?: string;
  readonly callId?: string;
}

/**
 * The append-only JSONL log of one run: entries are redacted by the run's scanner, stamped and written in
 * order (appends are chained; {@link flush} waits for them).
 */
export class RunLog {
  readonly #store: CheckpointStore;
  readonly #runId: string;
  readonly #scanner: SecretScanner;
  readonly #now: () => number;
  #tail: Promise<void> = Promise.resolve();
  #error: Error | undefined;

  readonly #listener: ((entry: RunLogEntry) => void) | undefined;

  constructor(
    store: CheckpointStore,
    runId: string,
    scanner: SecretScanner,
    now: () => number,
    listener?: (entry: RunLogEntry) => void,
  ) {
    this.#listener = listener;
    this.#store = store;
    this.#runId = runId;
    this.#scanner = scanner;
    this.#now = now;
  }

  /** Queues `entry` (never throws; a write failure surfaces at {@link flush}). */
  append(entry: RunLogEntry): void {
    const redacted = this.#scanner.redactDeep(entry);
    const line = JSON.stringify({ ts: new Date(this.#now()).toISOString(), ...redacted });
    this.#tail = this.#tail
      .then(() => this.#store.append(this.#runId, [line]))
      .catch((err: unknown) => void (this.#error ??= err instanceof Error ? err : new Error(String(err))));
    try {
      this.#listener?.(redacted);
    } catch {
      // a progress listener's failure is its own; the log is unaffected
    }
  }

  /** Resolves once every queued entry is written. @throws the first write failure. */
  async flush(): Promise<void> {
    await this.#tail;
    if (this.#error !== undefined) throw this.#error;
  }
}
