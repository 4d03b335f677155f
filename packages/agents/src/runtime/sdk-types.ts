import type { Agent, RunState } from '@openai/agents';

/**
 * Any SDK agent, whatever its context and output types (what the SDK's own `run()` accepts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK types agents as Agent<any, any> itself
export type AnyAgent = Agent<any, any>;

/** The SDK run state of {@link AnyAgent}. */
export type AnyRunState = RunState<unknown, AnyAgent>;
