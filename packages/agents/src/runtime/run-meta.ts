import { hostname } from 'node:os';
import { AgentsError } from '../errors.js';
import type { BudgetExceeded, BudgetUsage, RunBudget } from './budget.js';
import type { CheckpointStore } from './store.js';

/** Where a run is. `running`: a process is executing it (a start or a resume in progress). */
export type RunStatus = 'running' | 'interrupted' | 'completed' | 'budget_exceeded' | 'blocked' | 'failed';

/** A tool call waiting for a human decision. */
export interface PendingApproval {
  readonly callId: string;
  readonly tool: string;
}

/** What a run used: tool calls and wall time (kept across resumes) and model tokens (from the SDK state). */
export interface RunUsage extends BudgetUsage {
  readonly tokens: number;
}

/** The `meta` document of a run. */
export interface RunMeta {
  readonly brand: 'brAInwav';
  readonly runId: string;
  /** Name of the agent the run belongs to (a resume must pass an agent of that name). */
  readonly agent: string;
  readonly status: RunStatus;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly budget: RunBudget;
  readonly usage: RunUsage;
  readonly pending: readonly PendingApproval[];
  readonly exceeded?: BudgetExceeded;
  /** Name of the guardrail that blocked the run. */
  readonly blockedBy?: string;
  /** The process executing the run while it is `running`. */
  readonly owner?: RunOwner;
}

/** A process, by host name and pid. */
export interface RunOwner {
  readonly host: string;
  readonly pid: number;
}

/** This process as a {@link RunOwner}. */
export function thisProcess(): RunOwner {
  return { host: hostname(), pid: process.pid };
}

/**
 * Is `meta` a `running` run whose process died (same host, pid gone: killed during a resume)? Such a run can be
 * resumed again from its last checkpoint.
 */
export function isStale(meta: RunMeta): boolean {
  const owner = meta.owner;
  if (meta.status !== 'running' || !owner || owner.host !== hostname() || owner.pid === process.pid)
    return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Reads the metadata of `runId`. @throws AgentsError `NOT_FOUND` when the store has no such run. */
export async function readMeta(store: CheckpointStore, runId: string): Promise<RunMeta> {
  const text = await store.read(runId, 'meta');
  if (text === undefined)
    throw new AgentsError('NOT_FOUND', `agent run "${runId}" not found in the checkpoint store`);
  return JSON.parse(text) as RunMeta;
}

/** Writes the metadata atomically. */
export function writeMeta(store: CheckpointStore, meta: RunMeta): Promise<void> {
  return store.write(meta.runId, 'meta', `${JSON.stringify(meta, null, 2)}\n`);
}
